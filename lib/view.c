/*
 * view.c - ClearSilver template rendering (see view.h).
 */
#include "view.h"

#include <cgi/cgi.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
view_global_init(void)
{
	NEOERR *err = nerr_init();

	if (err != STATUS_OK) {
		nerr_log_error(err);
		nerr_ignore(&err);
		abort();
	}
}

static NEOERR *
out_cb(void *ctx, char *s)
{
	buf_puts(ctx, s);
	return STATUS_OK;
}

static void
err_text(NEOERR *nerr, char *err, size_t errlen)
{
	STRING str;

	string_init(&str);
	nerr_error_string(nerr, &str);
	snprintf(err, errlen, "%s", str.buf ? str.buf : "template error");
	string_clear(&str);
	nerr_ignore(&nerr);
}

static void
check(NEOERR *nerr)
{
	if (nerr != STATUS_OK) {
		nerr_log_error(nerr);
		nerr_ignore(&nerr);
		abort();
	}
}

void
view_set(HDF *hdf, const char *name, const char *value)
{
	check(hdf_set_value(hdf, name, value ? value : ""));
}

void
view_setf(HDF *hdf, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	view_set(hdf, name, s);
	free(s);
}

void
view_set_int(HDF *hdf, const char *name, long long v)
{
	view_setf(hdf, name, "%lld", v);
}

static void
snapshot(HDF *node, struct buf *path, struct buf *out)
{
	for (HDF *c = hdf_obj_child(node); c != NULL; c = hdf_obj_next(c)) {
		size_t keep = path->len;
		const char *v = hdf_obj_value(c);

		if (path->len > 0)
			buf_putc(path, '.');
		buf_puts(path, hdf_obj_name(c));
		if (v != NULL) {
			buf_append(out, path->data, path->len + 1);
			buf_append(out, v, strlen(v) + 1);
		}
		snapshot(c, path, out);
		path->len = keep;
		path->data[keep] = '\0';
	}
}

void
view_snapshot(HDF *node, const char *prefix, struct buf *out)
{
	struct buf path;

	buf_init(&path);
	buf_puts(&path, prefix);
	snapshot(node, &path, out);
	buf_free(&path);
}

void
view_restore(HDF *hdf, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *k = p, *v = k + strlen(k) + 1;

		if (v >= end)
			break;
		view_set(hdf, k, v);
		p = v + strlen(v) + 1;
	}
}

/*
 * Templates are read once per process and kept: a page then opens no
 * file.  (A changed template takes effect when the workers restart.)
 */
#define TEMPLATES_MAX 128

static struct {
	char *name, *text;
} templates[TEMPLATES_MAX];
static size_t ntemplates;
static pthread_mutex_t templates_lock = PTHREAD_MUTEX_INITIALIZER;

static NEOERR *
load_template(void *ctx, HDF *hdf, const char *name, char **contents)
{
	const char *dir = ctx;
	char path[1024];
	NEOERR *err;
	char *text = NULL;

	(void)hdf;
	pthread_mutex_lock(&templates_lock);
	for (size_t i = 0; i < ntemplates; i++)
		if (strcmp(templates[i].name, name) == 0) {
			*contents = strdup(templates[i].text);
			pthread_mutex_unlock(&templates_lock);
			return *contents ? STATUS_OK :
			    nerr_raise(NERR_NOMEM, "out of memory");
		}
	pthread_mutex_unlock(&templates_lock);
	if (strstr(name, "..") != NULL || name[0] == '/')
		return nerr_raise(NERR_NOT_FOUND, "bad template name %s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((err = ne_load_file(path, &text)) != STATUS_OK)
		return nerr_pass(err);
	pthread_mutex_lock(&templates_lock);
	if (ntemplates < TEMPLATES_MAX) {
		templates[ntemplates].name = strdup(name);
		templates[ntemplates].text = strdup(text);
		if (templates[ntemplates].name && templates[ntemplates].text)
			ntemplates++;
	}
	pthread_mutex_unlock(&templates_lock);
	*contents = text;
	return STATUS_OK;
}

/*
 * Each thread keeps its templates parsed: a parse tree is made with an
 * HDF of its own (holding the escaping configuration, read at cs_init)
 * and rendered with a request's HDF swapped in.  A tree is parsed again
 * after PARSE_REUSE renders, which bounds whatever ClearSilver keeps
 * per render, and after any error.
 */
#define PARSED_MAX 48
#define PARSE_REUSE 2000

struct parsed {
	const char *dir;
	char name[64];
	CSPARSE *cs;
	HDF *base;
	unsigned uses;
};

static __thread struct parsed parsed[PARSED_MAX];

static void
parsed_drop(struct parsed *p)
{
	cs_destroy(&p->cs);
	hdf_destroy(&p->base);
	memset(p, 0, sizeof(*p));
}

static NEOERR *
parsed_make(struct parsed *p, const char *dir, const char *name)
{
	char file[128];
	NEOERR *err;

	snprintf(file, sizeof(file), "%s.cs", name);
	if ((err = hdf_init(&p->base)) != STATUS_OK)
		return err;
	view_set(p->base, "Config.VarEscapeMode", "html");
	view_set(p->base, "hdf.loadpaths.0", dir);
	if ((err = cs_init(&p->cs, p->base)) != STATUS_OK)
		return err;
	cs_register_fileload(p->cs, (void *)dir, load_template);
	if ((err = cgi_register_strfuncs(p->cs)) != STATUS_OK ||
	    (err = cs_parse_file(p->cs, file)) != STATUS_OK)
		return err;
	p->dir = dir;
	snprintf(p->name, sizeof(p->name), "%s", name);
	return STATUS_OK;
}

void
view_thread_end(void)
{
	for (size_t i = 0; i < PARSED_MAX; i++)
		if (parsed[i].cs != NULL)
			parsed_drop(&parsed[i]);
}

int
view_render(HDF *hdf, const char *dir, const char *name, struct buf *out,
    char *err, size_t errlen)
{
	struct parsed *p = NULL, *fresh = NULL;
	NEOERR *nerr;

	for (size_t i = 0; i < PARSED_MAX && p == NULL; i++) {
		if (parsed[i].cs == NULL) {
			if (fresh == NULL)
				fresh = &parsed[i];
		} else if (parsed[i].dir == dir &&
		    strcmp(parsed[i].name, name) == 0)
			p = &parsed[i];
	}
	if (p != NULL && p->uses >= PARSE_REUSE) {
		parsed_drop(p);
		fresh = p;
		p = NULL;
	}
	if (p == NULL) {
		if (fresh == NULL) {		/* full: reuse the first */
			fresh = &parsed[0];
			parsed_drop(fresh);
		}
		p = fresh;
		if ((nerr = parsed_make(p, dir, name)) != STATUS_OK) {
			err_text(nerr, err, errlen);
			parsed_drop(p);
			return -1;
		}
	}
	p->cs->hdf = hdf;
	nerr = cs_render(p->cs, out, out_cb);
	p->cs->hdf = p->base;
	p->uses++;
	if (nerr != STATUS_OK) {
		err_text(nerr, err, errlen);
		parsed_drop(p);
		return -1;
	}
	return 0;
}
