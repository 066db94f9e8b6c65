/*
 * broadcast.c - the broadcaster: one thread holding every open stream
 * (see worker.h).
 *
 * It sleeps in epoll_wait() on the streams' connections and wakes:
 *   - when a thread hands it a new stream (an eventfd);
 *   - when a stream's connection can take what it held back, or closes;
 *   - every 50 ms, to look at the change counters this host's processes
 *     bump (a valuation run committed, a ledger changed): then, and every
 *     live_poll seconds whatever they say (changes made on other hosts),
 *     it asks the database what changed, with one query for the runs and
 *     one for the ledger changes, for all streams at once: rows above the
 *     cursor's ids or of the last LIVE_CHANGE_LAG seconds, less those in
 *     its seen-set (live.h: ids do not commit in order);
 *   - every second, to check every stream's session with one query: a
 *     session that ended (signed out, password changed, account
 *     disabled, expired, on any host) ends its streams;
 *   - every live_heartbeat seconds, to send each stream a comment.
 * Each changed portfolio's JSON is built once (live_portfolios, from a
 * book of the viewed portfolios' positions that their ledger changes
 * invalidate: a valuation run costs a read of prices), each user's event
 * once, framed once per FastCGI request id, and written to
 * each of the user's streams without blocking.  A stream that has held
 * back more than live_stream_limit bytes is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "epoch.h"
#include "live/worker.h"
#include "log.h"
#include "metrics.h"
#include "portfolio.h"
#include "sse.h"
#include "token.h"

#define NBUCKETS 4096
#define MAXEVENTS 512
#define TICK_MS 50
#define BOOK_BATCH 200	/* portfolios read into the book at a time */

struct user {
	long long uid;
	struct stream *streams;
	long long *pids;		/* the user's portfolios, sorted */
	size_t npids, cappids;
	struct user *hnext;
};

/* A portfolio and its owner. */
struct pair {
	long long pid, uid;
};

/* What the taking threads share with the broadcaster. */
static struct {
	pthread_mutex_t mu;
	struct stream *inbox;
	int efd;
	long nstreams;
	unsigned long polls;	/* looks begun and ended: odd during one */
} shared = { PTHREAD_MUTEX_INITIALIZER, NULL, -1, 0, 0 };

/* The broadcaster's own state. */
static struct {
	const struct config *cfg;
	const struct live_opts *o;
	struct stale_policy sp;
	int ep;
	struct stream **byfd;
	size_t nbyfd;
	struct user *buckets[NBUCKETS];
	struct db db;
	struct arena a;
	struct live_cursor cursor;	/* ms 0: not taken yet */
	unsigned long epochs[EPOCH__MAX];
	time_t next_poll, next_beat, next_check;
	struct live_seen seen;		/* rows told, of the window */
	struct pair *viewed;		/* every user's portfolios, by pid */
	size_t nviewed;
	int viewed_dirty;
	struct live_book *book;		/* positions of the viewed ones */
	int book_short;			/* it lacks some of them */
	struct buf text, data, event, framed;
	char scratch[16384];
} B;

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL && n > 0)
		abort();
	return q;
}

static struct user **
bucket(long long uid)
{
	return &B.buckets[(unsigned long long)uid * 0x9e3779b97f4a7c15ULL >>
	    52 & (NBUCKETS - 1)];
}

static struct user *
user_find(long long uid)
{
	for (struct user *u = *bucket(uid); u != NULL; u = u->hnext)
		if (u->uid == uid)
			return u;
	return NULL;
}

/* Adds pid to u's portfolios (kept sorted and distinct). */
static void
user_add_pid(struct user *u, long long pid)
{
	size_t i = 0;

	while (i < u->npids && u->pids[i] < pid)
		i++;
	if (i < u->npids && u->pids[i] == pid)
		return;
	if (u->npids == u->cappids) {
		u->cappids = u->cappids ? u->cappids * 2 : 8;
		u->pids = xrealloc(u->pids, u->cappids * sizeof(*u->pids));
	}
	memmove(u->pids + i + 1, u->pids + i, (u->npids - i) *
	    sizeof(*u->pids));
	u->pids[i] = pid;
	u->npids++;
	B.viewed_dirty = 1;
}

/* The user's entry, made (with their portfolios) when new; NULL on a
 * database error. */
static struct user *
user_get(long long uid)
{
	struct user *u = user_find(uid);
	long long *pids;
	size_t n;

	if (u != NULL)
		return u;
	arena_reset(&B.a);
	if (live_user_portfolios(&B.db, &B.a, uid, &pids, &n) != 0)
		return NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		abort();
	u->uid = uid;
	for (size_t i = 0; i < n; i++)
		user_add_pid(u, pids[i]);
	u->hnext = *bucket(uid);
	*bucket(uid) = u;
	B.viewed_dirty = 1;
	return u;
}

static void
user_forget(struct user *u)
{
	struct user **p = bucket(u->uid);

	while (*p != u)
		p = &(*p)->hnext;
	*p = u->hnext;
	free(u->pids);
	free(u);
	B.viewed_dirty = 1;
}

/* Ends s: its last records when graceful, then the connection. */
static void
drop(struct stream *s, int graceful, const char *why)
{
	struct user *u = user_find(s->uid);

	if (graceful && s->npending == 0) {
		struct buf end;

		buf_init(&end);
		fcgi_end(&end, s->rid);
		/* Best effort: it is closing anyway. */
		(void)!write(s->fd, end.data, end.len);
		buf_free(&end);
	}
	epoll_ctl(B.ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	if ((size_t)s->fd < B.nbyfd)
		B.byfd[s->fd] = NULL;
	if (u != NULL) {
		struct stream **p = &u->streams;

		while (*p != NULL && *p != s)
			p = &(*p)->next_of_user;
		if (*p == s)
			*p = s->next_of_user;
		if (u->streams == NULL)
			user_forget(u);
	}
	if (why != NULL)
		log_info("live: stream of user %lld ended: %s", s->uid, why);
	free(s->pending);
	free(s);
	__atomic_sub_fetch(&shared.nstreams, 1, __ATOMIC_RELAXED);
	metrics_gauge(GAUGE_LIVE_STREAMS, -1);
}

static void
want_out(struct stream *s, int on)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0);
	ev.data.fd = s->fd;
	epoll_ctl(B.ep, EPOLL_CTL_MOD, s->fd, &ev);
}

/*
 * Writes n bytes to s without blocking; what the connection cannot take
 * now is held back, and past the limit the stream is dropped.  Returns 0,
 * or -1 when s was dropped.
 */
static int
send_bytes(struct stream *s, const char *p, size_t n)
{
	if (s->npending == 0) {
		ssize_t k = write(s->fd, p, n);

		if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			drop(s, 0, NULL);
			return -1;
		}
		if (k < 0)
			k = 0;
		p += k;
		n -= (size_t)k;
		if (n == 0)
			return 0;
		want_out(s, 1);
	}
	if (s->npending - s->off + n > B.o->stream_limit) {
		drop(s, 0, "it fell too far behind");
		return -1;
	}
	if (s->off > 0) {
		memmove(s->pending, s->pending + s->off, s->npending - s->off);
		s->npending -= s->off;
		s->off = 0;
	}
	s->pending = xrealloc(s->pending, s->npending + n);
	memcpy(s->pending + s->npending, p, n);
	s->npending += n;
	return 0;
}

/* Writes what s held back, as far as its connection takes it. */
static void
flush(struct stream *s)
{
	while (s->off < s->npending) {
		ssize_t k = write(s->fd, s->pending + s->off,
		    s->npending - s->off);

		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			drop(s, 0, NULL);
			return;
		}
		s->off += (size_t)k;
	}
	free(s->pending);
	s->pending = NULL;
	s->npending = s->off = 0;
	want_out(s, 0);
}

/* Sends event text (SSE bytes) to s, framed as its FastCGI records;
 * frames are built once for each request id in a row.  0 or -1. */
static int
send_event(struct stream *s, const struct buf *text, int *framed_rid)
{
	if (*framed_rid != s->rid) {
		buf_reset(&B.framed);
		fcgi_stdout(&B.framed, s->rid, text->data, text->len);
		*framed_rid = s->rid;
	}
	return send_bytes(s, B.framed.data, B.framed.len);
}

/* Reads and throws away what nginx sends; drops s at its end. */
static void
drain(struct stream *s)
{
	for (;;) {
		ssize_t k = read(s->fd, B.scratch, sizeof(B.scratch));

		if (k > 0)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (k < 0 && errno == EINTR)
			continue;
		drop(s, 0, NULL);
		return;
	}
}

static int
pair_cmp(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

/* Every connected user's portfolios, sorted by pid. */
static void
rebuild_viewed(void)
{
	size_t n = 0;

	for (size_t b = 0; b < NBUCKETS; b++)
		for (struct user *u = B.buckets[b]; u != NULL; u = u->hnext)
			n += u->npids;
	B.viewed = xrealloc(B.viewed, (n + 1) * sizeof(*B.viewed));
	n = 0;
	for (size_t b = 0; b < NBUCKETS; b++)
		for (struct user *u = B.buckets[b]; u != NULL; u = u->hnext)
			for (size_t i = 0; i < u->npids; i++) {
				B.viewed[n].pid = u->pids[i];
				B.viewed[n].uid = u->uid;
				n++;
			}
	if (n > 0)
		qsort(B.viewed, n, sizeof(*B.viewed), pair_cmp);
	B.nviewed = n;
	B.viewed_dirty = 0;
	/* The book keeps what is viewed (pids sorted, repeats harmless). */
	{
		long long *pids = xrealloc(NULL, (n + 1) * sizeof(*pids));

		for (size_t i = 0; i < n; i++)
			pids[i] = B.viewed[i].pid;
		live_book_keep(B.book, pids, n);
		free(pids);
	}
	B.book_short = 1;
}

/*
 * Reads what the book lacks of the viewed portfolios, or holds for too
 * long, a batch at a time between other work, so that a run finds them
 * there.
 */
static void
fill_book(time_t now)
{
	long long *pids;
	long left;

	arena_reset(&B.a);
	if (B.viewed_dirty)
		rebuild_viewed();
	pids = arena_alloc(&B.a, (B.nviewed + 1) * sizeof(*pids));
	for (size_t i = 0; i < B.nviewed; i++)
		pids[i] = B.viewed[i].pid;
	left = live_book_fill(&B.db, &B.a, B.book, pids, B.nviewed,
	    BOOK_BATCH, now);
	if (left < 0)		/* runs read what is missing anyway */
		log_warn("live: reading positions: %s", B.db.errmsg);
	B.book_short = left > 0;
}

static void
ids_json(struct buf *b, const struct pair *v, size_t n)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(b, i ? ",%lld" : "%lld", v[i].pid);
	buf_putc(b, ']');
}

/*
 * Tells every user in changed (pairs sorted by pid, distinct) the
 * current figures of their changed portfolios, in one event each, with
 * the id of cursor c.  0 or -1.
 */
static int
tell(struct pair *changed, size_t n, const struct live_cursor *c)
{
	struct live_piece *pieces;
	long long *pids;
	size_t *idx, k, users = 0, sent = 0, bytes = 0;
	char id[LIVE_CURSOR_MAX];
	struct pair *byuser;
	struct timespec t0, t1, t2;

	if (n == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	arena_reset(&B.a);
	pids = arena_alloc(&B.a, (n + 1) * sizeof(*pids));
	pieces = arena_alloc(&B.a, (n + 1) * sizeof(*pieces));
	idx = arena_alloc(&B.a, (n + 1) * sizeof(*idx));
	byuser = arena_alloc(&B.a, (n + 1) * sizeof(*byuser));
	for (size_t i = 0; i < n; i++)
		pids[i] = changed[i].pid;
	buf_reset(&B.text);
	if (live_portfolios(&B.db, &B.a, B.book, pids, n, &B.sp, time(NULL),
	    &B.text, pieces) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Group by user: pairs (uid, index) sorted by uid. */
	for (size_t i = 0; i < n; i++) {
		byuser[i].pid = changed[i].uid;
		byuser[i].uid = (long long)i;
	}
	qsort(byuser, n, sizeof(*byuser), pair_cmp);
	live_cursor_format(c, id);
	for (size_t i = 0; i < n; i = k) {
		struct user *u = user_find(byuser[i].pid);
		size_t m = 0;
		int rid = -1;

		for (k = i; k < n && byuser[k].pid == byuser[i].pid; k++)
			idx[m++] = (size_t)byuser[k].uid;
		if (u == NULL)
			continue;
		buf_reset(&B.data);
		live_event_data(&B.data, c, 0, broadcast_streams(), B.text.data,
		    pieces, idx, m);
		buf_reset(&B.event);
		sse_event(&B.event, id, "valuation", B.data.data, B.data.len);
		users++;
		for (struct stream *s = u->streams, *next; s != NULL; s = next) {
			next = s->next_of_user;
			sent++;
			bytes += B.event.len;
			if (send_event(s, &B.event, &rid) == 0)
				s->cursor = *c;
			/* A dropped stream may have been the last. */
			if (user_find(byuser[i].pid) == NULL)
				break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	log_info("live: %s: %zu portfolios to %zu users, %zu streams, %zu "
	    "bytes in %ld ms (figures %ld ms)", id, n, users, sent, bytes,
	    (long)((t2.tv_sec - t0.tv_sec) * 1000 + (t2.tv_nsec - t0.tv_nsec) /
	    1000000), (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec -
	    t0.tv_nsec) / 1000000));
	return 0;
}

static void
pair_add(struct pair **v, size_t *n, size_t *cap, long long pid,
    long long uid)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[*n].pid = pid;
	(*v)[*n].uid = uid;
	(*n)++;
}

/*
 * The cursor of now, and the rows of the window taken as seen, when the
 * broadcaster starts (or the database first answers): what is there
 * already was told by the streams' first events.  0 or -1.
 */
static int
start_cursor(void)
{
	static const char recent[] = "SELECT id, " LIVE_MS_SQL("at") " FROM "
	    "ledger_changes WHERE at >= FROM_UNIXTIME(? / 1000) - INTERVAL "
	    LIVE_LAG_SQL " SECOND UNION ALL SELECT -CAST(id AS SIGNED), "
	    LIVE_MS_SQL("finished_at") " FROM valuation_runs WHERE "
	    "finished_at >= FROM_UNIXTIME(? / 1000) - INTERVAL " LIVE_LAG_SQL
	    " SECOND";
	struct live_cursor c;
	struct dbres r;

	arena_reset(&B.a);
	if (live_cursor_now(&B.db, &c) != 0 || db_exec(&B.db, &B.a, &r,
	    recent, "ii", c.ms, c.ms) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		live_seen_add(&B.seen, db_int(&r, i, 0), db_int(&r, i, 1));
	B.cursor = c;
	return 0;
}

/* Appends a portfolio's pairs (pid, each viewer) to changed. */
static void
add_viewers(struct pair **changed, size_t *n, size_t *cap, long long pid)
{
	size_t lo = 0, hi = B.nviewed;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (B.viewed[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < B.nviewed && B.viewed[lo].pid == pid; lo++)
		pair_add(changed, n, cap, pid, B.viewed[lo].uid);
}

/*
 * Looks for what committed since the cursor and tells it: runs and
 * ledger changes above the cursor's ids or in the window (from the last
 * look's clock less the lag) and not in the seen-set.  They count as
 * seen, and the cursor moves, only once told.  0 or -1.
 */
static int
poll_changes(void)
{
	static const char clock[] = "SELECT " LIVE_MS_SQL("NOW(3)");
	static const char runs[] = "SELECT id, " LIVE_MS_SQL("finished_at")
	    " FROM valuation_runs WHERE id > ? OR finished_at >= "
	    "FROM_UNIXTIME(? / 1000) - INTERVAL " LIVE_LAG_SQL " SECOND";
	static const char touched[] = "SELECT l.portfolio_id FROM "
	    "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "
	    "JOIN portfolio_latest l ON l.portfolio_id = j.id "
	    "JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) "
	    "r ON r.id = l.run_id";
	static const char changes[] = "SELECT id, user_id, portfolio_id, "
	    LIVE_MS_SQL("at") " FROM ledger_changes WHERE id > ? OR at >= "
	    "FROM_UNIXTIME(? / 1000) - INTERVAL " LIVE_LAG_SQL " SECOND";
	struct live_cursor c = B.cursor;
	struct pair *changed = NULL;
	struct live_seen fresh = { NULL, 0, 0 };	/* new rows */
	size_t n = 0, cap = 0, o = 0;
	struct buf newruns;
	struct dbres r;
	int rc = -1;

	buf_init(&newruns);
	arena_reset(&B.a);
	if (B.cursor.ms == 0) {
		rc = start_cursor();
		goto out;
	}
	if (B.viewed_dirty)
		rebuild_viewed();
	/* The clock first: what commits after it is in the next window. */
	if (db_exec(&B.db, &B.a, &r, clock, "") != 0)
		goto out;
	c.ms = db_int(&r, 0, 0);
	if (db_exec(&B.db, &B.a, &r, runs, "ii", B.cursor.run,
	    B.cursor.ms) != 0)
		goto out;
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = db_int(&r, i, 0);

		if (id > c.run)
			c.run = id;
		if (live_seen_has(&B.seen, -id))
			continue;
		live_seen_add(&fresh, -id, db_int(&r, i, 1));
		buf_printf(&newruns, newruns.len ? ",%lld" : "[%lld", id);
	}
	if (newruns.len > 0 && B.nviewed > 0) {
		struct buf ids;

		buf_putc(&newruns, ']');
		buf_init(&ids);
		ids_json(&ids, B.viewed, B.nviewed);
		rc = db_exec(&B.db, &B.a, &r, touched, "ss", ids.data,
		    newruns.data);
		buf_free(&ids);
		if (rc != 0)
			goto out;
		rc = -1;
		for (size_t i = 0; i < r.nrows; i++)
			add_viewers(&changed, &n, &cap, db_int(&r, i, 0));
	}
	if (db_exec(&B.db, &B.a, &r, changes, "ii", B.cursor.change,
	    B.cursor.ms) != 0)
		goto out;
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = db_int(&r, i, 0), uid = db_int(&r, i, 1);
		long long pid = db_int(&r, i, 2);
		struct user *u;

		if (id > c.change)
			c.change = id;
		if (live_seen_has(&B.seen, id))
			continue;
		live_seen_add(&fresh, id, db_int(&r, i, 3));
		live_book_forget(B.book, pid);	/* its positions changed */
		if ((u = user_find(uid)) == NULL)
			continue;
		user_add_pid(u, pid);	/* a new one, maybe */
		pair_add(&changed, &n, &cap, pid, uid);
	}
	/* One entry a portfolio (its owner's). */
	if (n > 0) {
		qsort(changed, n, sizeof(*changed), pair_cmp);
		for (size_t i = 0; i < n; i++)
			if (o == 0 || changed[o - 1].pid != changed[i].pid)
				changed[o++] = changed[i];
	}
	if (tell(changed, o, &c) != 0)
		goto out;
	for (size_t i = 0; i < fresh.n; i++)
		live_seen_add(&B.seen, fresh.v[i].key, fresh.v[i].ms);
	/* Rows before the next window cannot come back (a second to spare
	 * for rounding). */
	live_seen_prune(&B.seen, c.ms - (LIVE_CHANGE_LAG + 1) * 1000LL);
	B.cursor = c;
	rc = 0;
out:
	if (rc != 0)
		log_warn("live: looking for changes: %s", B.db.errmsg);
	live_seen_free(&fresh);
	buf_free(&newruns);
	free(changed);
	return rc;
}

/* Brings a stream that is behind the cursor up to it. */
static void
catch_up(struct stream *s)
{
	struct live_piece *pieces;
	long long *pids;
	size_t n, *idx;
	char id[LIVE_CURSOR_MAX];
	int rid = -1;

	arena_reset(&B.a);
	if (live_user_changed(&B.db, &B.a, s->uid, &s->cursor, NULL, &pids,
	    &n) != 0)
		return;
	if (n == 0) {
		s->cursor = B.cursor;
		return;
	}
	pieces = arena_alloc(&B.a, (n + 1) * sizeof(*pieces));
	idx = arena_alloc(&B.a, (n + 1) * sizeof(*idx));
	buf_reset(&B.text);
	if (live_portfolios(&B.db, &B.a, B.book, pids, n, &B.sp, time(NULL),
	    &B.text, pieces) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	buf_reset(&B.data);
	live_event_data(&B.data, &B.cursor, 0, broadcast_streams(),
	    B.text.data, pieces, idx, n);
	buf_reset(&B.event);
	live_cursor_format(&B.cursor, id);
	sse_event(&B.event, id, "valuation", B.data.data, B.data.len);
	if (send_event(s, &B.event, &rid) == 0)
		s->cursor = B.cursor;
}

/* Takes the streams handed over since the last time. */
static void
adopt_all(void)
{
	struct stream *list, *s, *next;
	unsigned long long one;

	(void)!read(shared.efd, &one, sizeof(one));	/* reset the count */
	pthread_mutex_lock(&shared.mu);
	list = shared.inbox;
	shared.inbox = NULL;
	pthread_mutex_unlock(&shared.mu);
	for (s = list; s != NULL; s = next) {
		struct epoll_event ev;
		struct user *u;

		next = s->next_of_user;
		s->next_of_user = NULL;
		if ((size_t)s->fd >= B.nbyfd) {
			size_t n = B.nbyfd ? B.nbyfd : 1024;

			while (n <= (size_t)s->fd)
				n *= 2;
			B.byfd = xrealloc(B.byfd, n * sizeof(*B.byfd));
			memset(B.byfd + B.nbyfd, 0, (n - B.nbyfd) *
			    sizeof(*B.byfd));
			B.nbyfd = n;
		}
		if ((u = user_get(s->uid)) == NULL) {
			close(s->fd);
			free(s);
			metrics_gauge(GAUGE_LIVE_STREAMS, -1);
			__atomic_sub_fetch(&shared.nstreams, 1,
			    __ATOMIC_RELAXED);
			continue;
		}
		B.byfd[s->fd] = s;
		s->next_of_user = u->streams;
		u->streams = s;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.fd = s->fd;
		epoll_ctl(B.ep, EPOLL_CTL_ADD, s->fd, &ev);
		/* It was told the state at its own cursor: what a look
		 * that ran since (or was running) told others and took as
		 * seen, it has not heard. */
		if (s->polls != __atomic_load_n(&shared.polls,
		    __ATOMIC_ACQUIRE))
			catch_up(s);
	}
}

/* Every stream: a heartbeat comment. */
static void
heartbeat(void)
{
	struct buf beat;
	int rid = -1;

	buf_init(&beat);
	sse_comment(&beat, "heartbeat");
	buf_reset(&B.framed);
	for (size_t fd = 0; fd < B.nbyfd; fd++)
		if (B.byfd[fd] != NULL)
			send_event(B.byfd[fd], &beat, &rid);
	buf_free(&beat);
}

static int
strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Ends the streams whose sessions ended, with one query for all. */
static void
check_sessions(void)
{
	static const char q[] = "SELECT LOWER(HEX(s.token_hash)) FROM "
	    "JSON_TABLE(?, '$[*]' COLUMNS (h CHAR(64) PATH '$')) j "
	    "JOIN sessions s ON s.token_hash = UNHEX(j.h) "
	    "JOIN users u ON u.id = s.user_id WHERE u.disabled_at IS NULL "
	    "AND s.created_at > NOW() - INTERVAL ? SECOND "
	    "AND s.last_seen_at > NOW() - INTERVAL ? SECOND";
	struct buf ids;
	struct dbres r;
	char hex[65];
	size_t n = 0;

	buf_init(&ids);
	buf_putc(&ids, '[');
	for (size_t fd = 0; fd < B.nbyfd; fd++)
		if (B.byfd[fd] != NULL) {
			token_hex(B.byfd[fd]->sid, 32, hex);
			buf_printf(&ids, n++ ? ",\"%s\"" : "\"%s\"", hex);
		}
	buf_putc(&ids, ']');
	arena_reset(&B.a);
	if (n == 0 || db_exec(&B.db, &B.a, &r, q, "sii", ids.data,
	    (long long)B.cfg->session_max,
	    (long long)B.cfg->session_idle) != 0) {
		if (n > 0)
			log_warn("live: checking sessions: %s", B.db.errmsg);
		buf_free(&ids);
		return;
	}
	buf_free(&ids);
	/* The sessions that live, sorted, looked up for each stream. */
	{
		char **alive = arena_alloc(&B.a, (r.nrows + 1) * sizeof(char *));

		for (size_t i = 0; i < r.nrows; i++)
			alive[i] = (char *)db_val(&r, i, 0);
		if (r.nrows > 0)
			qsort(alive, r.nrows, sizeof(*alive), strcmp_ptr);
		for (size_t fd = 0; fd < B.nbyfd; fd++) {
			struct stream *s = B.byfd[fd];
			const char *key = hex;

			if (s == NULL)
				continue;
			token_hex(s->sid, 32, hex);
			if (r.nrows == 0 || bsearch(&key, alive, r.nrows,
			    sizeof(*alive), strcmp_ptr) == NULL)
				drop(s, 1, "its session ended");
		}
	}
}

/* 1 if a change counter moved since the last look. */
static int
counters_moved(void)
{
	static const enum epoch watched[] = { EPOCH_DATA, EPOCH_RUN };
	int moved = 0;

	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		unsigned long v = epoch_get(watched[i]);

		moved |= v != B.epochs[watched[i]];
		B.epochs[watched[i]] = v;
	}
	return moved;
}

static void *
broadcaster_main(void *arg)
{
	struct epoll_event evs[MAXEVENTS];
	struct epoll_event ev;

	(void)arg;
	db_thread_start();
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = shared.efd;
	epoll_ctl(B.ep, EPOLL_CTL_ADD, shared.efd, &ev);
	for (;;) {
		time_t now;
		int n = epoll_wait(B.ep, evs, MAXEVENTS, TICK_MS);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct stream *s;

			if (fd == shared.efd) {
				adopt_all();
				continue;
			}
			if ((size_t)fd >= B.nbyfd || (s = B.byfd[fd]) == NULL)
				continue;
			if (evs[i].events & EPOLLOUT) {
				flush(s);
				if ((size_t)fd >= B.nbyfd || B.byfd[fd] != s)
					continue;	/* dropped */
			}
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR))
				drain(s);
		}
		now = time(NULL);
		if (counters_moved() || now >= B.next_poll) {
			__atomic_add_fetch(&shared.polls, 1, __ATOMIC_ACQ_REL);
			poll_changes();
			__atomic_add_fetch(&shared.polls, 1, __ATOMIC_ACQ_REL);
			B.next_poll = now + B.o->poll;
		}
		if (now >= B.next_check) {
			check_sessions();
			B.next_check = now + 1;
		}
		if (now >= B.next_beat) {
			heartbeat();
			B.next_beat = now + B.o->heartbeat;
			B.book_short = 1;	/* entries grown old */
		}
		if (B.book_short || B.viewed_dirty)
			fill_book(now);
	}
	return NULL;
}

int
broadcast_start(const struct config *cfg, const struct live_opts *o)
{
	pthread_t tid;
	time_t now = time(NULL);

	B.cfg = cfg;
	B.o = o;
	pf_stale_policy(cfg, &B.sp);
	db_init(&B.db, cfg, 0);
	arena_init(&B.a);
	buf_init(&B.text);
	buf_init(&B.data);
	buf_init(&B.event);
	buf_init(&B.framed);
	if ((B.book = live_book_new()) == NULL)
		return -1;
	if ((shared.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (B.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -1;
	/* What is there already was told by the first events. */
	if (start_cursor() != 0)
		log_warn("live: no database yet (%s); looking again shortly",
		    B.db.errmsg);
	counters_moved();
	B.next_poll = now + o->poll;
	B.next_beat = now + o->heartbeat;
	B.next_check = now + 1;
	if (pthread_create(&tid, NULL, broadcaster_main, NULL) != 0)
		return -1;
	pthread_detach(tid);
	return 0;
}

void
broadcast_adopt(struct stream *s)
{
	unsigned long long one = 1;

	__atomic_add_fetch(&shared.nstreams, 1, __ATOMIC_RELAXED);
	metrics_gauge(GAUGE_LIVE_STREAMS, 1);
	pthread_mutex_lock(&shared.mu);
	s->next_of_user = shared.inbox;
	shared.inbox = s;
	pthread_mutex_unlock(&shared.mu);
	/* A full counter means it is awake anyway. */
	(void)!write(shared.efd, &one, sizeof(one));
}

unsigned long
broadcast_polls(void)
{
	return __atomic_load_n(&shared.polls, __ATOMIC_ACQUIRE);
}

long
broadcast_streams(void)
{
	return __atomic_load_n(&shared.nstreams, __ATOMIC_RELAXED);
}
