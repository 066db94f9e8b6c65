/*
 * web.h - the page worker's request, response and routing interfaces.
 *
 * A request is parsed and checked by the dispatcher (dispatch.c) before
 * any page sees it: routing by method and path, the request body limit,
 * the session, the sign-in requirement, the CSRF token of every
 * state-changing request and the limit of API writes a minute.  A page
 * handler then only reads typed input (web_fields for an API body),
 * talks to the database and fills r->hdf, and returns an HTTP status:
 *
 *   return web_render(r, "login");        render templates/login.cs
 *   return web_redirect(r, "/");          303 See Other
 *   return web_error(r, 404, NULL);       the one error page
 *
 * All per-request state lives in struct req and its arena; nothing is
 * kept in globals, since one process serves many threads.
 */
#ifndef NESTEGG_WEB_H
#define NESTEGG_WEB_H

#include <stddef.h>
#include <time.h>

#include <ClearSilver.h>
#include <json-c/json.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "portfolio.h"

enum method {
	M_GET = 1 << 0,
	M_HEAD = 1 << 1,
	M_POST = 1 << 2,
	M_PUT = 1 << 3,
	M_DELETE = 1 << 4,
	M_PATCH = 1 << 5,
	M_OTHER = 1 << 6,
};

/* Route flags. */
#define R_LOGIN	(1u << 0)	/* signed-in users only (else to /login) */
#define R_API	(1u << 1)	/* JSON errors instead of HTML pages; a
				   signed-in user's writes count against
				   limit_api_writes a minute */
#define R_ADMIN	(1u << 2)	/* admins only (else 403) */
#define R_LOCAL	(1u << 3)	/* from this host or an admin (else 403) */

#define ROUTE_MAX_IDS 4

struct req;
typedef int (*page_fn)(struct req *);

/*
 * One row of the routing table.  A pattern segment "#" matches a
 * decimal id (1 to 18 digits), stored in r->ids[] in order.  Every
 * method other than GET and HEAD is checked for a CSRF token, always.
 */
struct route {
	const char *pattern;
	unsigned methods;
	unsigned flags;
	page_fn fn;
};

extern const struct route routes[];
extern const size_t routes_len;

struct req {
	struct arena *a;
	struct db *db;
	const struct config *cfg;

	/* Input, parsed and checked by the dispatcher. */
	enum method method;
	const char *path;		/* decoded, valid UTF-8 */
	const char *remote_addr;
	const char *request_id;		/* nginx's $request_id, or "-" */
	const char *user_agent;
	const char *media_type;		/* request body's, lower case */
	const char *csrf_header;	/* X-CSRF-Token, or NULL */
	const char *idem_header;	/* Idempotency-Key, or NULL */
	const char *body;		/* NUL-terminated, body_len bytes */
	size_t body_len;
	struct kvlist query, form, cookies;
	long long ids[ROUTE_MAX_IDS];	/* ids matched by "#" segments */
	const struct route *route;

	/* Session. */
	struct user user;		/* user.id == 0: signed out */
	const char *sid;		/* session token, when signed in */
	char csrf[TOKEN_HEX + 1];	/* token for forms and meta tag */
	int idem;			/* carried out under a key (idem.c) */
	unsigned char idem_digest[32];
	unsigned char idem_request[32];	/* what makes it the same request */

	/* Output. */
	HDF *hdf;			/* template data */
	int status;
	const char *content_type;
	struct buf headers;		/* extra header lines, CRLF-ended */
	struct buf out;			/* body */
	int rendered;			/* out holds a complete body */
	const char *error_msg;		/* for the error page */
	int retried;			/* carried out again, on the next
					   database node (dispatch) */
	int api;			/* errors as JSON: a route flagged
					   R_API matches the path, or it is
					   under /api/ */
};

/*
 * Idempotent writes (idem.c).  idem_key(): the request's key (the
 * Idempotency-Key header, else the form's idem field), or NULL.
 * idem_begin(): 0 when the request is to be carried out under key (the
 * first with it), else the status of the answer given: the first's
 * answer again, or a refusal (the key sent with another request, the
 * same request still being answered).  idem_end() keeps the answer
 * (after the error page is rendered); it does nothing for a request not
 * carried out under a key.
 */
const char *idem_key(const struct req *r);
int idem_begin(struct req *r, const char *key);
void idem_end(struct req *r);
/* The status of a request carried out under a key that failed (5xx):
 * when the same request was carried out meanwhile (through another
 * node: its writes won), the answer becomes that one's. */
int idem_settled(struct req *r, int status);

/* Form or query value by name, or "" when absent. */
const char *web_param(const struct req *r, const char *name);

/* Renders templates/<name>.cs inside the layout; returns 200, or 500. */
int web_render(struct req *r, const char *name);

/* Same, with another status (422 for a form with errors). */
int web_render_status(struct req *r, int status, const char *name);

/* Answers 303 See Other to location (a local path). */
int web_redirect(struct req *r, const char *location);

/* Answers status with the error page, saying msg (or the default). */
int web_error(struct req *r, int status, const char *msg);

/* Answers 503 with Retry-After when the database is down or a conflict
 * outlasted its retries (db_again), else 500; logs either way. */
int web_db_error(struct req *r);

/* Adds a response header line "Name: value". */
void web_header(struct req *r, const char *name, const char *value);

/* Sets cookie name=value with the __Host- attributes (Secure, HttpOnly,
 * SameSite=Lax, Path=/); max_age < 0 is a session cookie, 0 deletes. */
void web_cookie(struct req *r, const char *name, const char *value,
    long max_age);

/* Sets the session of a freshly signed-in user (new token, cookie,
 * CSRF token); 0 or -1 on a database error. */
int web_sign_in(struct req *r, long long user_id);

/* Says at field that sign-in attempts must wait wait seconds, with a
 * Retry-After header; the page then answers 429. */
void web_throttled(struct req *r, const char *field, long wait);

/* The template data path for a form field's error: "Errors.<field>". */
void web_field_error(struct req *r, const char *field, const char *msg);

/* Answers status with the JSON value o (whose reference it takes). */
int web_json(struct req *r, int status, json_object *o);

/* Answers a JSON error {"error":{"status","message","field"}}. */
int web_json_error(struct req *r, int status, const char *msg,
    const char *field);

/* The number of elements of an array. */
#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Declared input of an API page.  A page lists every field its request
 * body may hold, with its type, and reads them all at once:
 *
 *	static const struct field fields[] = {
 *		{ "name", F_TEXT }, { "expires_days", F_INT },
 *	};
 *	struct input in[nitems(fields)];
 *
 *	if ((rc = web_fields(r, fields, nitems(fields), in)) != 0)
 *		return rc;
 *	... in[0].text, in[1].num ...
 *
 * An application/json body must be exactly one JSON object of UTF-8
 * text (strictly: nothing but white space after it, nesting at most 32
 * deep) whose top-level keys are all declared, each once (keys compare
 * as decoded, so "n\u0061me" is "name"), each value null or of its
 * field's type.  Any other body is a form (and the query string), read
 * as before: undeclared names are ignored, text is taken as sent.
 */
enum field_type {
	F_TEXT,		/* a JSON string; in a form, any text */
	F_INT,		/* a JSON integer; in a form, [-]digits, 18 at most */
	F_BOOL,		/* true or false; in a form "1", "true" or "on",
			   "0", "false" or "" */
};

struct field {
	const char *name;
	enum field_type type;
};

/* A field as web_fields() read it. */
struct input {
	const char *text;	/* the value as text, "" when absent or null
				   (F_INT: its digits; F_BOOL: "1" or "0");
				   in r->a */
	long long num;		/* F_INT: the value; F_BOOL: 1 or 0 */
	int given;		/* 1 when present and not null (in a form:
				   present and not empty) */
};

/*
 * Reads the request's fields[0 .. n) into in[0 .. n) (parsing the body
 * once).  Returns 0, or the status of the JSON error it has answered
 * (nothing is to be changed then): 400 when the body is not one JSON
 * object of UTF-8 text or a string holds \u0000 or a lone surrogate;
 * 422 naming the field ("field") for a key not declared, a key given
 * twice, a value of the wrong type (a number or true where text
 * belongs, an object or array anywhere), or an integer past 64 bits.
 */
int web_fields(struct req *r, const struct field *fields, size_t n,
    struct input *in);

/* Loads portfolio r->ids[0] of the signed-in user into pf; returns 0, or
 * the status to answer (404 for anyone else's, 500/503). */
int web_portfolio(struct req *r, struct portfolio *pf);

/* Values pf (pf_value) with the staleness limits of the configuration;
 * 0 or -1. */
int web_value(struct req *r, const struct portfolio *pf,
    const struct fx_table *fx, time_t now, struct pf_view *v);

/* Presentation (present.c): money and views into template data and
 * JSON.  Amounts in a currency are rounded to its minor unit. */
void put_money(HDF *hdf, const char *name, dec v, const char *cur);
void put_signed(HDF *hdf, const char *name, dec v, const char *cur);
void put_dec(HDF *hdf, const char *name, dec v);
/* A percentage (already times 100), signed, two places, with ".sign". */
void put_pct(HDF *hdf, const char *name, dec pct);
/* The live panel's cursor (Live.since), read before the page reads its
 * figures: its stream tells what changed after them; 0 or -1. */
int put_live_since(struct req *r, HDF *hdf);
/* When the figures were computed: Computed.iso and Computed.text. */
void put_computed(HDF *hdf, time_t t);
void put_view(struct req *r, const struct pf_view *v, const char *sort,
    const char *dir);
void put_tx(struct req *r, const char *prefix, const struct tx *t,
    const char *symbol, const char *note);
json_object *json_money(dec v, const char *cur);
json_object *json_view(const struct pf_view *v);
json_object *json_portfolio(const struct portfolio *pf);

/*
 * The worker's shared caches (cache.h): signed-in sessions, and pages'
 * computed figures.  web_caches_init() makes them once per process,
 * after epoch_open(); without it nothing is cached.
 */
void web_caches_init(void);
struct cache *web_page_cache(void);

/* The reason phrase of an HTTP status ("Not Found"). */
const char *web_reason(int status);

/* Serves one request already read into r (dispatch.c). */
void dispatch(struct req *r);

#endif
