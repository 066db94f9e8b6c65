/*
 * http.h - many HTTP GETs at once, politely: the libcurl multi
 * interface with a limit of connections per host, a timeout per request,
 * retries with backoff for what may pass (timeouts, refused
 * connections, 5xx, 408), and HTTP 429 honoured: its Retry-After (or a
 * backoff) pauses every request to that host, not only the one refused.
 * An answer counts once it has arrived whole, whatever its status.
 */
#ifndef NESTEGG_CRON_HTTP_H
#define NESTEGG_CRON_HTTP_H

#include <stddef.h>

#define HTTP_BODY_MAX (32L * 1024 * 1024)

struct http_req {
	/* Set by the caller. */
	char url[2048];
	const char *header;	/* one extra "Name: value" line, or NULL */
	void *user;

	/* Results. */
	long status;		/* HTTP status of the last answer; 0: none */
	char error[256];	/* why there is no usable answer, or "" */
	char *body;		/* the last answer's body, NUL-terminated */
	size_t len;
	int attempts;
	long retry_after;	/* seconds the last 429 asked for, or -1 */

	/* The engine's. */
	int state;
	double not_before;
	void *easy;
	void *headers;
	size_t cap;
	int host;
};

struct http_opts {
	int per_host;		/* connections at once to one host */
	long timeout;		/* seconds per request */
	int retries;		/* tries after the first */
	double deadline;	/* seconds from now: nothing new starts after */
	int progress;		/* draw a progress bar on standard error */
};

struct http_stats {
	long requests;		/* tries made, retries included */
	long retried;
	long rate_limited;	/* 429 answers */
};

/*
 * Runs every request until it has an answer or has failed.  A request
 * whose last try got no answer has error set and status 0; one refused
 * for good (429 past the deadline or after every retry, 5xx after every
 * retry) keeps the status and says so in error.
 */
void http_run(struct http_req **reqs, size_t n, const struct http_opts *o,
    struct http_stats *st);

/* Frees the bodies of n requests. */
void http_free(struct http_req **reqs, size_t n);

/* Appends s to url (of size urlsz), percent-encoding all but
 * unreserved characters.  0, or -1 when it does not fit. */
int http_url_escape(char *url, size_t urlsz, const char *s);

#endif
