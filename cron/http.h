/*
 * http.h - many HTTP GETs at once, politely and behind a fence: the
 * libcurl multi interface with a limit of connections per host, a
 * timeout per request, retries with backoff for what may pass
 * (timeouts, refused connections, 5xx, 408), and HTTP 429 honoured: its
 * Retry-After (or a backoff) pauses every request to that host, not
 * only the one refused.
 *
 * Requests come in groups (a price source, or one user's own
 * addresses): a group has its own deadline, after which what is left
 * of it fails, and may be limited to a number of requests at once.
 * Each request is handed to a callback the moment it is finished for
 * good, and each group when its last request is, so that the caller
 * can use one source's answers while another is still slow.
 *
 * Every connection, to the first address and after every redirect,
 * passes the fence (netfence.h) with the address it is about to
 * connect to; only http and https are spoken, no proxy from the
 * environment is used, and an answer larger than its request's limit
 * fails (also when compressed on the wire).
 */
#ifndef NESTEGG_CRON_HTTP_H
#define NESTEGG_CRON_HTTP_H

#include <stddef.h>

#include "netfence.h"

#define HTTP_BODY_MAX (32L * 1024 * 1024)

struct http_req {
	/* Set by the caller. */
	char url[2048];
	const char *header;	/* one extra "Name: value" line, or NULL */
	void *user;
	long max_bytes;		/* largest answer taken; 0: HTTP_BODY_MAX */

	/* Results. */
	long status;		/* HTTP status of the last answer; 0: none */
	char error[256];	/* why there is no usable answer, or "" */
	char *body;		/* the last answer's body, NUL-terminated */
	size_t len;
	int attempts;
	long retry_after;	/* seconds the last 429 asked for, or -1 */
	int fenced;		/* the fence refused an address it led to */
	int too_large;		/* the answer passed max_bytes */

	/* The engine's. */
	int state, group;
	double not_before;
	void *easy;
	void *headers;
	size_t cap;
	int host;
	struct http_engine *engine;
	char curl_error[256];
};

struct http_opts {
	int per_host;		/* connections at once to one host */
	long timeout;		/* seconds per request */
	int retries;		/* tries after the first */
	int progress;		/* draw a progress bar on standard error */
	const struct fence *fence;	/* what may be reached; NULL: all */
	/* Called once per request when it is finished for good (its body
	 * is freed when this returns), then once per group when its last
	 * request is; then and now and then while waiting, tick.  Each
	 * may add requests.  Any may be NULL. */
	void (*done)(void *arg, struct http_req *r);
	void (*group_done)(void *arg, int group);
	void (*tick)(void *arg);
	void *arg;
};

struct http_stats {
	long requests;		/* tries made, retries included */
	long retried;
	long rate_limited;	/* 429 answers */
	long fenced;		/* requests the fence stopped */
};

struct http_engine;

/* A new engine with options o (kept, not copied); NULL on failure. */
struct http_engine *http_new(const struct http_opts *o);

/* A new group: what is left of it fails deadline seconds from now, and
 * at most slots of its requests run at once (0: no limit but the
 * host's).  Returns the group's number. */
int http_group(struct http_engine *e, double deadline, int slots);

/* Adds r (kept, not copied) to group g, to start as soon as it may. */
void http_add(struct http_engine *e, struct http_req *r, int g);

/*
 * Runs every request added, including those added by the callbacks,
 * until each has an answer or has failed; counts in st.  A request
 * whose last try got no answer has error set and status 0; one refused
 * for good (429 past the deadline or after every retry, 5xx after every
 * retry) keeps the status and says so in error.
 */
void http_run(struct http_engine *e, struct http_stats *st);

/* Frees the engine (not the requests). */
void http_end(struct http_engine *e);

/* Appends s to url (of size urlsz), percent-encoding all but
 * unreserved characters.  0, or -1 when it does not fit. */
int http_url_escape(char *url, size_t urlsz, const char *s);

#endif
