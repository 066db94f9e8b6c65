/*
 * cgi.c - GET /live as plain CGI (shared hosting): one stream, which
 * looks for its user's changes itself every live_poll seconds (and checks
 * its session as often) and ends after live_cgi_seconds, so that the
 * browser reconnects (with its Last-Event-ID, missing nothing) and no
 * process lives for ever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "http.h"
#include "live/worker.h"
#include "portfolio.h"
#include "sse.h"

/* Writes what out holds to standard output; -1 when the browser left. */
static int
emit(struct buf *out)
{
	int rc = 0;

	if (out->len > 0 && (fwrite(out->data, 1, out->len, stdout) !=
	    out->len || fflush(stdout) != 0))
		rc = -1;
	buf_reset(out);
	return rc;
}

int
live_cgi(const struct config *cfg, const struct live_opts *o)
{
	const char *method = getenv("REQUEST_METHOD");
	const char *cookie = getenv("HTTP_COOKIE");
	struct stale_policy sp;
	struct live_cursor cur, now;
	struct live_seen seen = { NULL, 0, 0 };
	struct kvlist cookies;
	struct db db;
	struct arena a;
	struct buf out, text;
	struct user u;
	const char *sid = NULL, *last;
	char sidbuf[128];
	time_t end = time(NULL) + o->cgi_seconds, beat;
	int rc;

	db_init(&db, cfg, 0);
	arena_init(&a);
	buf_init(&out);
	buf_init(&text);
	memset(&cookies, 0, sizeof(cookies));
	pf_stale_policy(cfg, &sp);
	if (method == NULL || strcmp(method, "GET") != 0) {
		fputs("Status: 405 Method Not Allowed\r\nContent-Type: "
		    "text/plain\r\n\r\nGET only.\n", stdout);
		goto done;
	}
	/* Kept out of the arena, which each poll resets. */
	if (cookie != NULL && http_parse_cookies(&a, &cookies, cookie) ==
	    HTTP_OK && (sid = kv_get(&cookies, "__Host-sid")) != NULL) {
		snprintf(sidbuf, sizeof(sidbuf), "%s", sid);
		sid = sidbuf;
	}
	if (sid == NULL || (rc = auth_session_get(&db, &a, sid, &u)) <= 0) {
		fputs(sid && rc < 0 ? "Status: 503 Service Unavailable\r\n"
		    "Content-Type: text/plain\r\n\r\nTry again shortly.\n" :
		    "Status: 401 Unauthorized\r\nContent-Type: text/plain\r\n"
		    "\r\nSign in first.\n", stdout);
		goto done;
	}
	buf_puts(&out, "Status: 200 OK\r\nContent-Type: text/event-stream; "
	    "charset=utf-8\r\nCache-Control: no-store\r\n"
	    "X-Accel-Buffering: no\r\n\r\n");
	sse_retry(&out, o->retry_ms);
	last = getenv("HTTP_LAST_EVENT_ID");
	if (last == NULL)
		last = live_since(&a, getenv("QUERY_STRING"));
	if (live_first_event(&db, &a, &sp, u.id, last, &cur, &text,
	    &out) != 0 || emit(&out) != 0)
		goto done;
	beat = time(NULL) + o->heartbeat;
	while (time(NULL) < end) {
		long long *pids;
		size_t n;

		sleep((unsigned)o->poll);
		arena_reset(&a);
		/* A session ended on any host ends the stream. */
		if (auth_session_get(&db, &a, sid, &u) == 0)
			break;
		/* The cursor first: nothing after it can be missed.  The
		 * rows of the window told already are in seen (live.h). */
		if (live_cursor_now(&db, &now) != 0 ||
		    live_user_changed(&db, &a, u.id, &cur, &seen, &pids,
		    &n) != 0)
			continue;
		if (n > 0) {
			struct live_piece *pieces = arena_alloc(&a, (n + 1) *
			    sizeof(*pieces));
			size_t *idx = arena_alloc(&a, (n + 1) * sizeof(*idx));
			struct buf data;
			char id[LIVE_CURSOR_MAX];

			/* Taken as seen already: a failure ends the stream,
			 * and the browser resumes from its last event. */
			buf_reset(&text);
			if (live_portfolios(&db, &a, NULL, pids, n, &sp,
			    time(NULL), &text, pieces) != 0)
				goto done;
			for (size_t i = 0; i < n; i++)
				idx[i] = i;
			buf_init(&data);
			live_event_data(&data, &now, 0, 1, text.data, pieces,
			    idx, n);
			live_cursor_format(&now, id);
			sse_event(&out, id, "valuation", data.data, data.len);
			buf_free(&data);
			if (emit(&out) != 0)
				goto done;
		}
		cur = now;
		live_seen_prune(&seen, cur.ms - (LIVE_CHANGE_LAG + 1) * 1000LL);
		if (time(NULL) >= beat) {
			sse_comment(&out, "heartbeat");
			if (emit(&out) != 0)
				goto done;
			beat = time(NULL) + o->heartbeat;
		}
	}
done:
	live_seen_free(&seen);
	db_close(&db);
	arena_free(&a);
	buf_free(&out);
	buf_free(&text);
	return 0;
}
