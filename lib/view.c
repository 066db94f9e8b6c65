/*
 * view.c - ClearSilver template rendering (see view.h).
 */
#include "view.h"

#include <cgi/cgi.h>

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

int
view_render(HDF *hdf, const char *dir, const char *name, struct buf *out,
    char *err, size_t errlen)
{
	CSPARSE *cs = NULL;
	NEOERR *nerr;
	char file[256];

	view_set(hdf, "Config.VarEscapeMode", "html");
	view_set(hdf, "hdf.loadpaths.0", dir);
	snprintf(file, sizeof(file), "%s.cs", name);
	/* cgi_register_strfuncs adds url_escape and friends to this parse
	 * only; it touches none of the CGI kit's global state. */
	if ((nerr = cs_init(&cs, hdf)) != STATUS_OK ||
	    (nerr = cgi_register_strfuncs(cs)) != STATUS_OK ||
	    (nerr = cs_parse_file(cs, file)) != STATUS_OK ||
	    (nerr = cs_render(cs, out, out_cb)) != STATUS_OK) {
		err_text(nerr, err, errlen);
		cs_destroy(&cs);
		return -1;
	}
	cs_destroy(&cs);
	return 0;
}
