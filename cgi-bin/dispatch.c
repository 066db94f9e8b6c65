/*
 * dispatch.c - routing and the checks every request passes before a page
 * sees it, plus the response helpers pages use (see web.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "log.h"
#include "token.h"
#include "view.h"
#include "web.h"

#define SID_COOKIE	"__Host-sid"
#define CSRF_COOKIE	"__Host-csrf"

/* Shared by the threads of this process; they lock inside. */
static struct cache *session_cache, *page_cache;

#define CACHE_SLOTS	4096
/*
 * Milliseconds an entry lives.  A session ended or an account disabled
 * through another host is seen once this host's entry is that old: well
 * under a second.  Pages' figures are checked against the database's
 * marks on each request (cache.h); their age bounds what time alone
 * changes (prices growing stale, a new day).
 */
#define SESSION_AGE_MS	250
#define PAGE_AGE_MS	5000

void
web_caches_init(void)
{
	session_cache = cache_new(CACHE_SLOTS, SESSION_AGE_MS);
	page_cache = cache_new(CACHE_SLOTS, PAGE_AGE_MS);
}

struct cache *
web_page_cache(void)
{
	return page_cache;
}

/*
 * The user of session token sid, from the cache or the database: 1 and
 * r->user and r->csrf filled, 0 for no live session, -1 on a database
 * error.  The cache is keyed by the token's bytes, and keeps the CSRF
 * token derived from it.
 */
static int
session_user(struct req *r, const char *sid)
{
	unsigned char key[32];
	struct epochs now;
	struct buf v;
	char *val;
	long len;
	int rc;

	if (strspn(sid, "0123456789abcdef") != TOKEN_HEX ||
	    token_unhex(sid, key, sizeof(key)) != 0)
		return 0;
	epoch_now(&now);		/* before reading, see cache.h */
	len = cache_get(session_cache, key, sizeof(key), &now, r->a, &val);
	if (len > 0) {
		const char *f[6];
		const char *p = val;

		for (int i = 0; i < 6; i++) {
			f[i] = p;
			p += strlen(p) + 1;
		}
		r->user.id = strtoll(f[0], NULL, 10);
		r->user.email = f[1];
		r->user.admin = f[2][0] == '1';
		snprintf(r->user.currency, sizeof(r->user.currency), "%s", f[3]);
		r->user.expires = strtoll(f[4], NULL, 10);
		snprintf(r->csrf, sizeof(r->csrf), "%s", f[5]);
		if (r->user.expires > (long long)time(NULL))
			return 1;
		memset(&r->user, 0, sizeof(r->user));
	}
	if ((rc = auth_session_get(r->db, r->a, sid, &r->user)) <= 0)
		return rc;
	csrf_token(sid, r->csrf);
	buf_init(&v);
	buf_printf(&v, "%lld%c%s%c%d%c%s%c%lld%c%s%c", r->user.id, 0,
	    r->user.email, 0, r->user.admin, 0, r->user.currency, 0,
	    r->user.expires, 0, r->csrf, 0);
	cache_put(session_cache, key, sizeof(key), &now, v.data, v.len);
	buf_free(&v);
	return 1;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Error";
}

const char *
web_param(const struct req *r, const char *name)
{
	const char *v = kv_get(&r->form, name);

	if (v == NULL)
		v = kv_get(&r->query, name);
	return v ? v : "";
}

void
web_header(struct req *r, const char *name, const char *value)
{
	/* Header values are built by nestegg, never copied from input;
	 * a line break would still end the header, so refuse it. */
	if (strpbrk(value, "\r\n") != NULL)
		abort();
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

void
web_cookie(struct req *r, const char *name, const char *value, long max_age)
{
	char line[512];

	if (max_age >= 0)
		snprintf(line, sizeof(line), "%s=%s; Max-Age=%ld; Path=/; "
		    "Secure; HttpOnly; SameSite=Lax", name, value, max_age);
	else
		snprintf(line, sizeof(line), "%s=%s; Path=/; Secure; "
		    "HttpOnly; SameSite=Lax", name, value);
	web_header(r, "Set-Cookie", line);
}

int
web_render_status(struct req *r, int status, const char *name)
{
	char err[512];

	view_set(r->hdf, "Page.Name", name);
	buf_reset(&r->out);
	if (view_render(r->hdf, r->cfg->templates, name, &r->out, err,
	    sizeof(err)) != 0) {
		log_error("template %s: %s", name, err);
		r->rendered = 0;
		return web_error(r, 500, NULL);
	}
	r->rendered = 1;
	r->content_type = "text/html; charset=utf-8";
	return status;
}

int
web_render(struct req *r, const char *name)
{
	return web_render_status(r, 200, name);
}

int
web_redirect(struct req *r, const char *location)
{
	web_header(r, "Location", location);
	r->rendered = 1;
	buf_reset(&r->out);
	return 303;
}

int
web_error(struct req *r, int status, const char *msg)
{
	r->rendered = 0;
	r->error_msg = msg;
	return status;
}

int
web_db_error(struct req *r)
{
	log_error("database: %u %s (%s)", r->db->err, r->db->errmsg, r->path);
	/* Passing (db_passing): nginx or the client may send it again, with
	 * its idempotency key when it wrote. */
	if (db_passing(r->db)) {
		web_header(r, "Retry-After", "1");
		return web_error(r, 503, NULL);
	}
	return web_error(r, 500, NULL);
}

void
web_field_error(struct req *r, const char *field, const char *msg)
{
	char name[128];

	snprintf(name, sizeof(name), "Errors.%s", field);
	view_set(r->hdf, name, msg);
}

void
web_throttled(struct req *r, const char *field, long wait)
{
	web_field_error(r, field, arena_printf(r->a, "Too many failed "
	    "attempts. Try again in %ld seconds.", wait));
	web_header(r, "Retry-After", arena_printf(r->a, "%ld", wait));
}

int
web_sign_in(struct req *r, long long user_id)
{
	char token[TOKEN_HEX + 1];

	if (r->sid != NULL && auth_session_end(r->db, r->sid) != 0)
		return -1;
	if (auth_session_new(r->db, user_id, r->remote_addr, token) != 0)
		return -1;
	r->sid = arena_strdup(r->a, token);
	web_cookie(r, SID_COOKIE, token, r->cfg->session_max);
	csrf_token(token, r->csrf);
	return 0;
}

/* Matches path against pattern, storing "#" ids; 1 on a match. */
static int
route_match(const char *pattern, const char *path, long long *ids)
{
	size_t nid = 0;

	while (*pattern != '\0') {
		if (*pattern == '#') {
			size_t n = 0;
			long long v = 0;

			while (path[n] >= '0' && path[n] <= '9' && n < 19)
				v = v * 10 + (path[n++] - '0');
			if (n == 0 || n > 18 || nid == ROUTE_MAX_IDS)
				return 0;
			ids[nid++] = v;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/* The error page: HTML, or a JSON object for API routes. */
static void
render_error(struct req *r, int status)
{
	const char *msg = r->error_msg;
	char err[256];

	if (msg == NULL) {
		switch (status) {
		case 400: msg = "The request could not be understood."; break;
		case 403: msg = "The form has expired or was not sent from "
		    "this site. Go back, reload the page and try again."; break;
		case 404: msg = "There is nothing at this address."; break;
		case 405: msg = "This address does not accept that method.";
			break;
		case 413: msg = "The request is too large."; break;
		case 429: msg = "Too many requests. Wait a moment and try "
		    "again."; break;
		case 503: msg = "nestegg is briefly unavailable. Please try "
		    "again in a moment."; break;
		default: msg = "Something went wrong on our side. It has "
		    "been logged."; break;
		}
	}
	buf_reset(&r->out);
	if (r->api) {
		r->content_type = "application/json";
		buf_printf(&r->out, "{\"error\":{\"status\":%d,\"message\":\"",
		    status);
		for (const char *p = msg; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&r->out, '\\');
			buf_putc(&r->out, *p);
		}
		buf_puts(&r->out, "\"}}\n");
		return;
	}
	view_set_int(r->hdf, "Error.Status", status);
	view_set(r->hdf, "Error.Reason", reason(status));
	view_set(r->hdf, "Error.Message", msg);
	view_set(r->hdf, "Page.Title", reason(status));
	view_set(r->hdf, "Page.Name", "error");
	r->content_type = "text/html; charset=utf-8";
	if (view_render(r->hdf, r->cfg->templates, "error", &r->out,
	    err, sizeof(err)) != 0) {
		log_error("template error: %s", err);
		buf_reset(&r->out);
		buf_printf(&r->out, "<!DOCTYPE html><html lang=\"en\"><head>"
		    "<meta charset=\"utf-8\"><title>%d %s</title></head><body>"
		    "<h1>%d %s</h1></body></html>\n", status, reason(status),
		    status, reason(status));
	}
}

/* Finds the signed-in user and the CSRF secret; -1 on a database error. */
static int
load_session(struct req *r)
{
	const char *sid = kv_get(&r->cookies, SID_COOKIE);
	const char *secret;
	char fresh[TOKEN_HEX + 1];
	int rc;

	if (sid != NULL) {
		rc = session_user(r, sid);
		if (rc < 0)
			return -1;
		if (rc > 0)
			r->sid = sid;
		else
			web_cookie(r, SID_COOKIE, "", 0);
	}
	if (r->sid != NULL)
		return 0;		/* r->csrf set by session_user() */
	/* Signed out: the secret is a random cookie of its own
	 * (double-submit; the __Host- prefix keeps other sites and
	 * subdomains from setting it). */
	secret = kv_get(&r->cookies, CSRF_COOKIE);
	if (secret == NULL || strlen(secret) != TOKEN_HEX ||
	    token_unhex(secret, (unsigned char[TOKEN_BYTES]){0},
	    TOKEN_BYTES) != 0) {
		if (r->method != M_GET && r->method != M_HEAD) {
			r->csrf[0] = '\0';
			return 0;
		}
		if (token_new(fresh) != 0)
			return -1;
		web_cookie(r, CSRF_COOKIE, fresh, -1);
		secret = arena_strdup(r->a, fresh);
	}
	csrf_token(secret, r->csrf);
	return 0;
}

static int
csrf_ok(struct req *r)
{
	const char *given = kv_get(&r->form, "csrf");
	const char *secret = r->sid;

	if (given == NULL)
		given = r->csrf_header;
	if (secret == NULL)
		secret = kv_get(&r->cookies, CSRF_COOKIE);
	if (r->csrf[0] == '\0')
		return 0;
	return csrf_check(secret, given);
}

/* 1 for a loopback address (127.0.0.0/8, ::1): a client on this host. */
static int
loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strncmp(addr, "::ffff:127.", 11) == 0;
}

/* 1 when errors at path are JSON: it is under /api/, or a route
 * flagged R_API matches it (with any method). */
static int
api_path(const char *path)
{
	long long ids[ROUTE_MAX_IDS];

	if (path == NULL)
		return 0;
	if (strncmp(path, "/api/", 5) == 0)
		return 1;
	for (size_t i = 0; i < routes_len; i++)
		if ((routes[i].flags & R_API) &&
		    route_match(routes[i].pattern, path, ids))
			return 1;
	return 0;
}

/*
 * Counts a state-changing API request of the signed-in user against
 * limit_api_writes a minute (0: no limit).  The count is kept in the
 * database, one row per user and minute of the database's clock, so
 * that every worker process of every host counts together.  Returns 0
 * to go on, or the status answered: 429 with Retry-After (the seconds
 * left of the minute) past the limit, 500 or 503 on a database error.
 */
static int
api_write_limit(struct req *r)
{
	/* LAST_INSERT_ID(expr) hands back the count in the same
	 * statement: no second read that another request could pass. */
	static const char count[] = "INSERT INTO api_writes "
	    "(user_id, minute, n) VALUES (?, UNIX_TIMESTAMP() DIV 60, "
	    "LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE "
	    "n = LAST_INSERT_ID(n + 1)";
	static const char left[] = "SELECT 60 - UNIX_TIMESTAMP() MOD 60";
	long long limit = r->cfg->limit_api_writes, n, wait;
	struct dbres res;

	if (limit <= 0)
		return 0;
	if (db_exec(r->db, NULL, NULL, count, "i", r->user.id) != 0)
		return web_db_error(r);
	if ((n = (long long)r->db->insert_id) <= limit)
		return 0;
	if (db_exec(r->db, r->a, &res, left, "") != 0)
		return web_db_error(r);
	wait = db_int(&res, 0, 0);
	log_warn("api writes: user %lld, %lld this minute (limit %lld): %s",
	    r->user.id, n, limit, r->path);
	web_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
	return web_json_error(r, 429, arena_printf(r->a, "Too many changes "
	    "through the API: %lld this minute, where %lld a minute are "
	    "allowed. Nothing was changed; try again in %lld seconds.", n,
	    limit, wait), NULL);
}

static int
route_and_run(struct req *r)
{
	const struct route *found = NULL;
	unsigned allowed = 0;
	unsigned char idem[16];
	char idem_hex[33];
	const char *key;
	int rc;

	for (size_t i = 0; i < routes_len; i++) {
		long long ids[ROUTE_MAX_IDS] = { 0 };

		if (!route_match(routes[i].pattern, r->path, ids))
			continue;
		allowed |= routes[i].methods;
		if (routes[i].methods & (r->method == M_HEAD ? M_GET :
		    r->method)) {
			found = &routes[i];
			memcpy(r->ids, ids, sizeof(ids));
			break;
		}
	}
	if (load_session(r) != 0)
		return web_db_error(r);
	if (r->user.id != 0) {
		view_set(r->hdf, "User.Email", r->user.email);
		view_set_int(r->hdf, "User.Admin", r->user.admin);
	}
	view_set(r->hdf, "CSRF", r->csrf);
	/* A fresh key for each form of the page (idem.c). */
	if (token_random(idem, sizeof(idem)) == 0) {
		token_hex(idem, sizeof(idem), idem_hex);
		view_set(r->hdf, "Idem", idem_hex);
	}
	if (found == NULL) {
		if (allowed) {
			buf_reset(&r->headers);
			web_header(r, "Allow", allowed & M_POST ?
			    (allowed & M_GET ? "GET, HEAD, POST" : "POST") :
			    "GET, HEAD");
			return web_error(r, 405, NULL);
		}
		return web_error(r, 404, NULL);
	}
	r->route = found;
	if (r->method != M_GET && r->method != M_HEAD && !csrf_ok(r)) {
		log_warn("csrf rejected: %s %s from %s", r->route->pattern,
		    r->path, r->remote_addr);
		return web_error(r, 403, NULL);
	}
	if ((found->flags & R_LOGIN) && r->user.id == 0) {
		if (found->flags & R_API)
			return web_error(r, 401, "Sign in first.");
		return web_redirect(r, "/login");
	}
	if ((found->flags & R_ADMIN) && !r->user.admin)
		return web_error(r, 403, "Only an admin sees this page.");
	if ((found->flags & R_LOCAL) && !r->user.admin &&
	    !loopback(r->remote_addr))
		return web_error(r, 403, "Only this host or an admin sees "
		    "this page.");
	/* A write under a key it was carried out under before is answered
	 * as then, and counts against no limit. */
	if (r->user.id != 0 && r->method != M_GET && r->method != M_HEAD &&
	    (key = idem_key(r)) != NULL && (rc = idem_begin(r, key)) != 0)
		return rc;
	if ((found->flags & R_API) && r->user.id != 0 &&
	    r->method != M_GET && r->method != M_HEAD &&
	    (rc = api_write_limit(r)) != 0)
		return rc;
	return found->fn(r);
}

/*
 * 1 when a request that answered 503 for want of its database node (the
 * connection lost, the node out of its primary component, a conflict
 * past its retries) may be carried out again at once, on the next node:
 * a read, or a write under an idempotency key (a retry of a key whose
 * first try's node died takes it over, or answers as it did).  Once,
 * and only where there is another node (db_nodes).
 */
static int
again_on_next_node(const struct req *r, int status)
{
	const struct db *d = r->db;
	struct db_node second;

	if (status != 503 || r->retried || d == NULL ||
	    config_db_node(r->cfg, 1, &second) != 0)	/* one node */
		return 0;
	if (!db_passing(d))
		return 0;
	return r->method == M_GET || r->method == M_HEAD ||
	    (r->user.id != 0 && idem_key(r) != NULL);
}

/* Forgets what a try wrote into r's answer, for another. */
static void
answer_reset(struct req *r)
{
	NEOERR *nerr;

	idem_end(r);
	if (r->db->in_tx)
		db_rollback(r->db);
	buf_reset(&r->out);
	buf_reset(&r->headers);
	r->rendered = 0;
	r->error_msg = NULL;
	r->content_type = NULL;
	r->route = NULL;
	hdf_destroy(&r->hdf);
	if ((nerr = hdf_init(&r->hdf)) != STATUS_OK) {
		nerr_ignore(&nerr);
		abort();
	}
}

void
dispatch(struct req *r)
{
	int status;

	r->api = api_path(r->path);
	if (r->status != 0)		/* rejected while reading */
		status = r->status;
	else if (again_on_next_node(r, status = route_and_run(r))) {
		log_warn("database: %u %s; %s again on the next node",
		    r->db->err, r->db->errmsg, r->path);
		answer_reset(r);
		r->retried = 1;
		status = route_and_run(r);
	}
	status = idem_settled(r, status);
	r->status = status;
	if (!r->rendered && status >= 400) {
		if (status >= 500)
			log_error("%d %s", status, r->path ? r->path : "?");
		render_error(r, status);
	}
	if (r->content_type == NULL)
		r->content_type = "text/html; charset=utf-8";
	idem_end(r);
}

const char *
web_reason(int status)
{
	return reason(status);
}

int
web_json(struct req *r, int status, json_object *o)
{
	buf_reset(&r->out);
	buf_puts(&r->out, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	buf_putc(&r->out, '\n');
	json_object_put(o);
	r->content_type = "application/json";
	r->rendered = 1;
	return status;
}

int
web_json_error(struct req *r, int status, const char *msg, const char *field)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(e, "status", json_object_new_int(status));
	json_object_object_add(e, "message", json_object_new_string(msg));
	if (field != NULL)
		json_object_object_add(e, "field",
		    json_object_new_string(field));
	json_object_object_add(o, "error", e);
	return web_json(r, status, o);
}

/* The body as one JSON object, strictly: nothing after it, no depth
 * past 32; NULL otherwise. */
static json_object *
json_body(const struct req *r)
{
	struct json_tokener *tok;
	json_object *o;
	size_t end;

	if (r->body == NULL || !utf8_valid(r->body, r->body_len) ||
	    strlen(r->body) != r->body_len || r->body_len > INT32_MAX ||
	    (tok = json_tokener_new_ex(32)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success)
		o = (json_object_put(o), NULL);
	json_tokener_free(tok);
	while (o != NULL && end < r->body_len &&
	    strchr(" \t\r\n", r->body[end]) != NULL)
		end++;
	if (o != NULL && (end != r->body_len ||
	    !json_object_is_type(o, json_type_object)))
		o = (json_object_put(o), NULL);
	return o;
}

/* The index of the field called name in fields[0 .. n), or -1. */
static long
field_find(const struct field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (long)i;
	return -1;
}

/*
 * The first top-level key of the object text r->body that comes a
 * second time, or NULL.  json-c keeps the last of two equal keys, so
 * the text itself is read: it has already parsed strictly as one object
 * whose keys are all in fields[0 .. n), so the scan needs no checks of
 * its own.  Each key is decoded by json-c, so that escapes compare
 * equal ("n\u0061me" is "name"); as in json-c's objects, a key ends at
 * a \u0000.
 */
static const char *
duplicate_key(struct req *r, const struct field *fields, size_t n)
{
	unsigned char *seen = arena_alloc(r->a, n);
	const char *p = r->body;
	int depth = 0, key = 0;

	memset(seen, 0, n);
	for (; *p != '\0'; p++) {
		if (*p == '"') {
			const char *s = p++;
			json_object *k;
			long i;

			while (*p != '"')
				p += *p == '\\' ? 2 : 1;
			if (depth != 1 || !key)
				continue;
			key = 0;
			k = json_tokener_parse(arena_strndup(r->a, s,
			    (size_t)(p - s + 1)));
			i = k == NULL ? -1 : field_find(fields, n,
			    json_object_get_string(k));
			json_object_put(k);
			if (i >= 0 && seen[i]++)
				return fields[i].name;
		} else if (*p == '{' || *p == '[')
			key = ++depth == 1;
		else if (*p == '}' || *p == ']')
			depth--;
		else if (*p == ',')
			key = depth == 1;
	}
	return NULL;
}

/* A form's value of field f into in; 0, or -1 when it is not of f's
 * type. */
static int
form_field(struct req *r, const struct field *f, struct input *in)
{
	const char *v = web_param(r, f->name), *digits = v + (*v == '-');
	size_t len = strlen(digits);

	in->text = v;
	in->given = *v != '\0';
	switch (f->type) {
	case F_TEXT:
		break;
	case F_INT:
		if (!in->given)
			break;
		if (len == 0 || len > 18 || strspn(digits, "0123456789") != len)
			return -1;
		in->num = strtoll(v, NULL, 10);
		break;
	case F_BOOL:
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "on") == 0)
			in->num = 1;
		else if (in->given && strcmp(v, "0") != 0 &&
		    strcmp(v, "false") != 0)
			return -1;
		in->text = !in->given ? "" : in->num ? "1" : "0";
		break;
	}
	return 0;
}

/* What a field of type t must be, for an error message. */
static const char *
field_kind(enum field_type t)
{
	switch (t) {
	case F_INT: return "a whole number";
	case F_BOOL: return "true or false";
	default: return "text";
	}
}

/* A JSON value v of field f into in: 0, 400 (a string that is not text
 * nestegg stores) or 422 (of another type, or an integer past 64 bits). */
static int
json_field(struct req *r, const struct field *f, json_object *v,
    struct input *in)
{
	json_type t = json_object_get_type(v);
	const char *s;

	if (t == json_type_null)
		return 0;
	in->given = 1;
	switch (f->type) {
	case F_TEXT:
		if (t != json_type_string)
			return 422;
		s = json_object_get_string(v);
		/* \u0000 inside, or a lone surrogate turned into U+FFFD,
		 * is not text nestegg stores. */
		if ((size_t)json_object_get_string_len(v) != strlen(s) ||
		    strstr(s, "\xef\xbf\xbd") != NULL)
			return 400;
		in->text = arena_strdup(r->a, s);
		return 0;
	case F_INT:
		if (t != json_type_int)
			return 422;
		/* json-c holds larger integers at the limits. */
		in->num = json_object_get_int64(v);
		if (in->num == INT64_MAX || in->num == INT64_MIN)
			return 422;
		in->text = arena_printf(r->a, "%lld", in->num);
		return 0;
	case F_BOOL:
		if (t != json_type_boolean)
			return 422;
		in->num = json_object_get_boolean(v) != 0;
		in->text = in->num ? "1" : "0";
		return 0;
	}
	return 422;
}

int
web_fields(struct req *r, const struct field *fields, size_t n,
    struct input *in)
{
	const char *dup;
	json_object *o;
	long i;
	int rc;

	for (size_t k = 0; k < n; k++)
		in[k] = (struct input){ "", 0, 0 };
	if (strcmp(r->media_type, "application/json") != 0) {
		for (size_t k = 0; k < n; k++)
			if (form_field(r, &fields[k], &in[k]) != 0)
				return web_json_error(r, 422, arena_printf(r->a,
				    "Give %s as %s.", fields[k].name,
				    field_kind(fields[k].type)),
				    fields[k].name);
		return 0;
	}
	if ((o = json_body(r)) == NULL)
		return web_json_error(r, 400, "The body must be one JSON "
		    "object of UTF-8 text.", NULL);
	json_object_object_foreach(o, key, v) {
		if ((i = field_find(fields, n, key)) < 0) {
			rc = web_json_error(r, 422, arena_printf(r->a, "This "
			    "request has no field %s.", key), key);
			json_object_put(o);
			return rc;
		}
		if ((rc = json_field(r, &fields[i], v, &in[i])) != 0) {
			if (rc == 400)
				rc = web_json_error(r, 400, arena_printf(r->a,
				    "%s must be UTF-8 text without \\u0000 "
				    "or a lone surrogate.", key), key);
			else
				rc = web_json_error(r, 422, arena_printf(r->a,
				    "Give %s as %s.", key,
				    field_kind(fields[i].type)), key);
			json_object_put(o);
			return rc;
		}
	}
	json_object_put(o);
	if ((dup = duplicate_key(r, fields, n)) != NULL)
		return web_json_error(r, 422, arena_printf(r->a, "%s is given "
		    "more than once.", dup), dup);
	return 0;
}

int
web_portfolio(struct req *r, struct portfolio *pf)
{
	int rc = pf_get(r->db, r->a, r->user.id, r->ids[0], pf);

	if (rc < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_error(r, 404, NULL);
	view_setf(r->hdf, "P.id", "%lld", pf->id);
	view_set(r->hdf, "P.name", pf->name);
	view_set(r->hdf, "P.currency", pf->currency);
	view_set_int(r->hdf, "P.track_cash", pf->track_cash);
	view_set(r->hdf, "P.method", pf->method == COST_AVERAGE ? "average" :
	    "fifo");
	return 0;
}

int
web_value(struct req *r, const struct portfolio *pf,
    const struct fx_table *fx, time_t now, struct pf_view *v)
{
	struct stale_policy sp;

	pf_stale_policy(r->cfg, &sp);
	return pf_value(r->db, r->a, pf, fx, &sp, now, v);
}
