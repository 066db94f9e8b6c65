/*
 * worker.h - the live worker: GET /live as Server-Sent Events.
 *
 *   main.c       the program: FastCGI threads that take each stream's
 *                request (sign-in, the first event), or one CGI request
 *   broadcast.c  the broadcaster thread, which holds every open stream
 *                after its first event and writes to them all
 *   cgi.c        /live as plain CGI: one stream that polls by itself
 *
 * An accepting thread answers the request's headers and first event
 * (the current state, or what changed since the browser's Last-Event-ID)
 * through libfcgi, then hands the connection to the broadcaster and
 * takes the next request: a stream holds no thread.  The broadcaster
 * writes FastCGI records to the connections itself, without blocking:
 * a stream that cannot take its data is dropped past a limit, and its
 * browser reconnects and resumes.
 */
#ifndef NESTEGG_LIVE_WORKER_H
#define NESTEGG_LIVE_WORKER_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "live.h"
#include "value.h"

/* A stream handed to the broadcaster. */
struct stream {
	int fd;			/* the FastCGI connection */
	int rid;		/* its FastCGI request id */
	long long uid;
	unsigned char sid[32];	/* the session's key (SHA-256 of its token) */
	char currency[4];	/* the user's, for totals */
	struct live_cursor cursor;	/* what it has been told */
	unsigned long polls;	/* broadcast_polls() before its first event */
	char *pending;		/* bytes it could not take yet (heap) */
	size_t npending, off;
	struct stream *next_of_user;
};

/* Settings of the live worker, from the configuration. */
struct live_opts {
	long heartbeat;		/* seconds between heartbeats */
	long poll;		/* seconds between looks for changes */
	long retry_ms;		/* the browsers' reconnect delay */
	size_t stream_limit;	/* bytes a stream may hold back */
	long cgi_seconds;	/* how long a CGI stream lasts */
};

void live_opts_load(const struct config *cfg, struct live_opts *o);

/*
 * The first event of a stream for user uid (main.c): the whole state when
 * last_id (the browser's Last-Event-ID, or NULL) is missing or older than
 * what is kept, else what changed since it.  Sets *now to the cursor it
 * tells of and appends the event to out (text is scratch); 0 or -1.
 */
int live_first_event(struct db *d, struct arena *a,
    const struct stale_policy *sp, long long uid, const char *last_id,
    struct live_cursor *now, struct buf *text, struct buf *out);

/* Starts the broadcaster thread; 0 or -1. */
int broadcast_start(const struct config *cfg, const struct live_opts *o);

/* Hands a stream over (s is taken); the broadcaster owns it from now. */
void broadcast_adopt(struct stream *s);

/*
 * The broadcaster's count of looks for changes, begun and ended (odd
 * while one runs): taken before a stream's first event, it tells the
 * broadcaster whether a look ran since, whose rows the stream has not
 * heard of (a stream taken while it stays the same needs no catch-up).
 */
unsigned long broadcast_polls(void);

/* Streams held now, for logs and tests. */
long broadcast_streams(void);

/* Serves one GET /live as plain CGI; returns the exit status. */
int live_cgi(const struct config *cfg, const struct live_opts *o);

#endif
