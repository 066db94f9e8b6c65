/*
 * idem.c - idempotent writes (sql/018_idempotency.sql).
 *
 * A signed-in user's state-changing request may carry a key: the
 * Idempotency-Key header (the API), or a form's hidden idem field (every
 * form of the pages carries a fresh one).  The first request with a key
 * is carried out and its answer kept; the same key within a day answers
 * as the first did, with Idempotent-Replayed: true, and writes nothing
 * again.  So a buy retried after a lost connection, a double click or a
 * resent form is recorded once.
 *
 * The key's row is written before the request is carried out (state 0,
 * with the database node and connection answering it: a retry takes
 * over at once a key whose connection or node died) and marked in the same database transaction as the request's writes
 * (state 1, db_mark_commits), so whatever becomes of the connection
 * after a commit, a retry does not write again.  The answer is kept
 * last (state 2).  An answer of 5xx or 429 is not kept: a retry of a
 * request that wrote nothing is carried out again.  A retry of one
 * whose writes committed but whose answer was lost (state 1) is told it
 * was carried out (carried_out).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "token.h"
#include "web.h"

/* Longest key taken (Stripe's 255; a form's is 32 hex digits). */
#define KEY_MAX 255

/* Run in the first transaction the request commits (db_mark_commits):
 * its writes and the key's row are one, whatever connection or node it
 * commits on (the claim may have gone with another).  The row there already (the same
 * request carried out through another node meanwhile) fails it: the
 * writes are not committed twice (idem_settled answers). */
static const char mark[] = "INSERT INTO idempotency_keys (user_id, digest, "
    "request, state, created_at) VALUES (?, ?, ?, 1, NOW())";

const char *
idem_key(const struct req *r)
{
	const char *k = r->idem_header;

	if (k == NULL || *k == '\0')
		k = web_param(r, "idem");
	return *k != '\0' ? k : NULL;
}

/* Appends the pairs of l, each as its length and bytes. */
static void
pairs(struct buf *b, const struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		buf_printf(b, "%zu:%s=%zu:", strlen(l->v[i].key), l->v[i].key,
		    strlen(l->v[i].val));
		buf_puts(b, l->v[i].val);
	}
	buf_putc(b, '\n');
}

/* SHA-256 of what makes a request the same request: its method, path,
 * query, and its form's fields (a multipart form sent again has
 * another boundary) or else its body. */
static void
request_digest(const struct req *r, unsigned char out[32])
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%d\n%s\n", (int)r->method, r->path);
	pairs(&b, &r->query);
	if (r->form.n > 0)
		pairs(&b, &r->form);
	else if (r->body != NULL)
		buf_append(&b, r->body, r->body_len);
	token_sha256(b.data, b.len, out);
	buf_free(&b);
}

/* Gives the answer kept in row 0 of res again. */
static int
replay(struct req *r, const struct dbres *res)
{
	const char *ct = db_val(res, 0, 3), *h = db_val(res, 0, 4);
	const char *body = db_val(res, 0, 5);

	r->status = (int)db_int(res, 0, 2);
	r->content_type = ct ? arena_strdup(r->a, ct) : NULL;
	buf_reset(&r->headers);
	if (h != NULL)
		buf_puts(&r->headers, h);
	web_header(r, "Idempotent-Replayed", "true");
	buf_reset(&r->out);
	if (body != NULL)
		buf_append(&r->out, body, res->lens[0][5]);
	r->rendered = 1;
	return r->status;
}

/*
 * The answer to a request whose writes were committed but whose answer
 * was lost with its connection (a database node or a host died after
 * the commit): it was carried out, so the answer says success, without
 * the first answer's details; nothing is done again.  The API answers
 * 200 {"replayed": true, "carried_out": true, "answer_lost": true}; a
 * form goes on to the dashboard, where what it did shows.
 */
static int
carried_out(struct req *r)
{
	json_object *o;

	web_header(r, "Idempotent-Replayed", "true");
	if (!r->api)
		return web_redirect(r, "/");
	o = json_object_new_object();
	json_object_object_add(o, "replayed", json_object_new_boolean(1));
	json_object_object_add(o, "carried_out", json_object_new_boolean(1));
	json_object_object_add(o, "answer_lost", json_object_new_boolean(1));
	return web_json(r, 200, o);
}

/* The key's row (idempotency_keys), if any, in res: 0, or -1. */
static int
look(struct req *r, struct dbres *res)
{
	static const char q[] = "SELECT request, state, status, "
	    "content_type, headers, body FROM idempotency_keys "
	    "WHERE user_id = ? AND digest = ? AND created_at >= NOW() - "
	    "INTERVAL 1 DAY";

	return db_exec(r->db, r->a, res, q, "ib", r->user.id, r->idem_digest,
	    sizeof(r->idem_digest));
}

/* The answer for a key that has its row: refused when the row is of
 * another request, else as it was carried out. */
static int
answered(struct req *r, const struct dbres *res, const unsigned char req[32])
{
	if (res->lens[0][0] != 32 || memcmp(db_val(res, 0, 0), req, 32) != 0)
		return web_error(r, 422, "This Idempotency-Key was sent "
		    "before with another request: a new request takes a new "
		    "key (a form, a fresh page).");
	return db_int(res, 0, 1) == 1 ? carried_out(r) : replay(r, res);
}

int
idem_begin(struct req *r, const char *key)
{
	/* A claim whose connection is gone: its request died with it. */
	static const char orphan[] = "DELETE FROM idempotency_claims "
	    "WHERE user_id = ? AND digest = ? AND conn_id NOT IN "
	    "(SELECT ID FROM information_schema.PROCESSLIST)";
	static const char claim[] = "INSERT IGNORE INTO idempotency_claims "
	    "(user_id, digest, request, conn_id, created_at) "
	    "VALUES (?, ?, ?, CONNECTION_ID(), NOW())";
	struct dbres res;

	if (strlen(key) > KEY_MAX)
		return web_error(r, 400, "An Idempotency-Key is at most 255 "
		    "characters.");
	token_sha256(key, strlen(key), r->idem_digest);
	request_digest(r, r->idem_request);
	if (look(r, &res) != 0)
		return web_db_error(r);
	if (res.nrows > 0)
		return answered(r, &res, r->idem_request);
	if (db_exec(r->db, NULL, NULL, orphan, "ib", r->user.id,
	    r->idem_digest, sizeof(r->idem_digest)) != 0 ||
	    db_exec(r->db, NULL, NULL, claim, "ibb", r->user.id,
	    r->idem_digest, sizeof(r->idem_digest), r->idem_request,
	    sizeof(r->idem_request)) != 0)
		return web_db_error(r);
	if (r->db->affected != 1) {
		web_header(r, "Retry-After", "1");
		return web_error(r, 409, "The same request is being "
		    "answered: try again in a moment.");
	}
	r->idem = 1;
	/* Answered meanwhile, between the look and the claim? */
	if (look(r, &res) != 0 || res.nrows > 0) {
		idem_end(r);
		return res.nrows > 0 ? answered(r, &res, r->idem_request) :
		    web_db_error(r);
	}
	db_mark_commits(r->db, mark, r->user.id, r->idem_digest,
	    r->idem_request);
	return 0;
}

int
idem_settled(struct req *r, int status)
{
	struct dbres res;

	if (!r->idem || status < 500 || look(r, &res) != 0 || res.nrows == 0)
		return status;
	/* Carried out by the same request elsewhere: its writes won. */
	idem_end(r);
	r->rendered = 0;
	r->error_msg = NULL;
	buf_reset(&r->out);
	buf_reset(&r->headers);
	return answered(r, &res, r->idem_request);
}

void
idem_end(struct req *r)
{
	static const char release[] = "DELETE FROM idempotency_claims "
	    "WHERE user_id = ? AND digest = ? AND conn_id = CONNECTION_ID()";
	static const char keep[] = "INSERT INTO idempotency_keys (user_id, "
	    "digest, request, state, status, content_type, headers, body, "
	    "created_at) VALUES (?, ?, ?, 2, ?, ?, ?, ?, NOW()) "
	    "ON DUPLICATE KEY UPDATE state = 2, status = VALUES(status), "
	    "content_type = VALUES(content_type), headers = VALUES(headers), "
	    "body = VALUES(body)";
	struct buf h;
	const char *p;
	int kept = r->status < 500 && r->status != 429;

	if (!r->idem)
		return;
	r->idem = 0;
	db_mark_commits(r->db, NULL, 0, NULL, NULL);
	if (r->db->in_tx)
		db_rollback(r->db);
	if (!kept)
		goto out;	/* a retry is carried out (or, if its writes
				   committed, told so by their row) */
	/* The header lines but for cookies: a session is not kept. */
	buf_init(&h);
	for (p = r->headers.data; p != NULL && *p != '\0'; ) {
		const char *e = strstr(p, "\r\n");
		size_t n = e ? (size_t)(e - p) + 2 : strlen(p);

		if (strncasecmp(p, "Set-Cookie:", 11) != 0)
			buf_append(&h, p, n);
		p += n;
	}
	buf_putc(&h, '\0');
	if (db_exec(r->db, NULL, NULL, keep, "ibbissb", r->user.id,
	    r->idem_digest, sizeof(r->idem_digest), r->idem_request,
	    sizeof(r->idem_request), (long long)r->status, r->content_type,
	    h.data, r->out.data, r->out.len) != 0)
		log_warn("idempotency: the answer to %s was not kept: %s",
		    r->path, r->db->errmsg);
	buf_free(&h);
out:
	(void)db_exec(r->db, NULL, NULL, release, "ib", r->user.id,
	    r->idem_digest, sizeof(r->idem_digest));
}
