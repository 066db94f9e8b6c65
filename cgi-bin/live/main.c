/*
 * main.c - the live worker: GET /live as Server-Sent Events.
 *
 *   nestegg-live --socket PATH [--threads N]   FastCGI on a unix socket
 *   nestegg-live                               FastCGI on fd 0 when it is
 *                                              a socket, else one CGI request
 *
 * Threads take new streams (FCGX_Accept_r): each checks the session,
 * answers the headers and the first event, and hands the connection to
 * the broadcaster (broadcast.c), which holds every stream from then on.
 * SIGTERM or SIGINT stops taking streams and exits; browsers reconnect
 * to the next worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#include "auth.h"
#include "epoch.h"
#include "http.h"
#include "live/worker.h"
#include "log.h"
#include "metrics.h"
#include "portfolio.h"
#include "sock.h"
#include "sse.h"
#include "token.h"

struct taker {
	pthread_t tid;
	int listen_fd;
	const struct config *cfg;
	const struct live_opts *o;
	struct db db;
	struct arena a;
	struct buf out, text;
};

void
live_opts_load(const struct config *cfg, struct live_opts *o)
{
	o->heartbeat = cfg->live_heartbeat > 0 ? cfg->live_heartbeat : 15;
	o->poll = cfg->live_poll > 0 ? cfg->live_poll : 1;
	o->retry_ms = cfg->live_retry > 0 ? cfg->live_retry : 3000;
	o->stream_limit = cfg->live_stream_limit > 4096 ?
	    (size_t)cfg->live_stream_limit : 4096;
	o->cgi_seconds = cfg->live_cgi_seconds > 0 ? cfg->live_cgi_seconds :
	    300;
}

/* Answers a request that gets no stream. */
static void
refuse(FCGX_Request *req, int status, const char *reason, const char *msg)
{
	FCGX_FPrintF(req->out, "Status: %d %s\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\nCache-Control: no-store\r\n\r\n%s\n", status,
	    reason, msg);
}

/*
 * The first event of a stream for user u: everything (full) when the
 * browser brings no Last-Event-ID or one older than what is kept, else
 * what changed since it.  Appends the event to out; 0 or -1.
 */
int
live_first_event(struct db *d, struct arena *a, const struct stale_policy *sp,
    long long uid, const char *last_id, struct live_cursor *now,
    struct buf *text, struct buf *out)
{
	struct live_cursor last;
	struct live_piece *pieces;
	long long *pids;
	size_t n, *idx;
	char id[LIVE_CURSOR_MAX];
	int full = 1, kept;

	/* The cursor before the state: nothing after it can be missed. */
	if (live_cursor_now(d, now) != 0)
		return -1;
	if (last_id != NULL && live_cursor_parse(last_id, &last) == 0) {
		if ((kept = live_cursor_kept(d, &last)) < 0)
			return -1;
		full = !kept;
	}
	if (full ? live_user_portfolios(d, a, uid, &pids, &n) :
	    live_user_changed(d, a, uid, &last, NULL, &pids, &n))
		return -1;
	pieces = arena_alloc(a, (n + 1) * sizeof(*pieces));
	idx = arena_alloc(a, (n + 1) * sizeof(*idx));
	buf_reset(text);
	if (live_portfolios(d, a, NULL, pids, n, sp, time(NULL), text, pieces) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	{
		struct buf data;

		buf_init(&data);
		live_event_data(&data, now, full, broadcast_streams(),
		    text->data, pieces, idx, n);
		live_cursor_format(now, id);
		sse_event(out, id, "valuation", data.data, data.len);
		buf_free(&data);
	}
	return 0;
}

/* Takes one request: a stream handed over, or an answer. */
static void
take(struct taker *t, FCGX_Request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", req->envp);
	const char *cookie = FCGX_GetParam("HTTP_COOKIE", req->envp);
	const char *last = FCGX_GetParam("HTTP_LAST_EVENT_ID", req->envp);
	struct stale_policy sp;
	struct live_cursor now;
	struct kvlist cookies;
	struct stream *s;
	struct user u;
	const char *sid = NULL;
	unsigned long polls;
	int rc, fd;

	arena_reset(&t->a);
	buf_reset(&t->out);
	memset(&cookies, 0, sizeof(cookies));
	if (method == NULL || strcmp(method, "GET") != 0) {
		refuse(req, 405, "Method Not Allowed", "GET only.");
		return;
	}
	if (cookie != NULL && http_parse_cookies(&t->a, &cookies, cookie) ==
	    HTTP_OK)
		sid = kv_get(&cookies, "__Host-sid");
	if (sid == NULL || (rc = auth_session_get(&t->db, &t->a, sid, &u)) == 0) {
		refuse(req, 401, "Unauthorized", "Sign in first.");
		return;
	}
	if (rc < 0) {
		refuse(req, 503, "Service Unavailable", "Try again shortly.");
		return;
	}
	pf_stale_policy(t->cfg, &sp);
	buf_printf(&t->out, "Status: 200 OK\r\nContent-Type: text/event-stream"
	    "; charset=utf-8\r\nCache-Control: no-store\r\n"
	    "X-Accel-Buffering: no\r\n\r\n");
	sse_retry(&t->out, t->o->retry_ms);
	if (last == NULL)
		last = live_since(&t->a, FCGX_GetParam("QUERY_STRING",
		    req->envp));
	polls = broadcast_polls();	/* before the state is read */
	if (live_first_event(&t->db, &t->a, &sp, u.id, last, &now, &t->text,
	    &t->out) != 0) {
		log_warn("live: first event for user %lld: %s", u.id,
		    t->db.errmsg);
		buf_reset(&t->out);
		refuse(req, 503, "Service Unavailable", "Try again shortly.");
		return;
	}
	if (FCGX_PutStr(t->out.data, (int)t->out.len, req->out) < 0 ||
	    FCGX_FFlush(req->out) < 0)
		return;			/* the browser left already */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;
	/*
	 * Hand the connection over.  libfcgi keeps no state of it once its
	 * streams are freed without closing, and accepts a new connection
	 * next when the request has none.
	 */
	fd = req->ipcFd;
	s->fd = fd;
	s->rid = req->requestId;
	s->uid = u.id;
	token_sha256(sid, strlen(sid), s->sid);	/* as auth.c keys it */
	snprintf(s->currency, sizeof(s->currency), "%s", u.currency);
	s->cursor = now;
	s->polls = polls;
	FCGX_Free(req, 0);
	req->ipcFd = -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	broadcast_adopt(s);
}

static void *
taker_main(void *arg)
{
	struct taker *t = arg;
	FCGX_Request req;

	if (FCGX_InitRequest(&req, t->listen_fd, 0) != 0) {
		log_error("FCGX_InitRequest failed");
		return NULL;
	}
	while (FCGX_Accept_r(&req) >= 0)
		take(t, &req);
	FCGX_Free(&req, 1);
	db_close(&t->db);
	mysql_thread_end();
	return NULL;
}

/* As many open files as the hard limit allows: one a stream. */
static void
raise_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
run_fastcgi(const struct config *cfg, const struct live_opts *o,
    const char *sockpath, int nthreads)
{
	struct taker *ts;
	sigset_t set;
	int fd = 0, sig = 0;

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	if (sockpath != NULL) {
		if ((fd = sock_listen_unix(sockpath, 1024)) < 0) {
			log_error("cannot listen on %s: %m", sockpath);
			return 1;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (broadcast_start(cfg, o) != 0) {
		log_error("cannot start the broadcaster");
		return 1;
	}
	if ((ts = calloc((size_t)nthreads, sizeof(*ts))) == NULL)
		return 1;
	for (int i = 0; i < nthreads; i++) {
		ts[i].listen_fd = fd;
		ts[i].cfg = cfg;
		ts[i].o = o;
		db_init(&ts[i].db, cfg, 0);
		arena_init(&ts[i].a);
		buf_init(&ts[i].out);
		buf_init(&ts[i].text);
		if (pthread_create(&ts[i].tid, NULL, taker_main, &ts[i]) != 0) {
			log_error("cannot start thread %d", i);
			return 1;
		}
	}
	log_info("nestegg-live %d: %d threads on %s", (int)getpid(), nthreads,
	    sockpath ? sockpath : "fd 0");
	sigwait(&set, &sig);
	log_info("nestegg-live %d: signal %d, stopping with %ld streams",
	    (int)getpid(), sig, broadcast_streams());
	shutdown(fd, SHUT_RDWR);
	if (sockpath != NULL)
		unlink(sockpath);
	/* Streams end with the process; their browsers reconnect. */
	_exit(0);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct config cfg;
	static struct live_opts o;
	const char *sockpath = NULL;
	char err[512];
	int nthreads = 0, c;

	while ((c = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sockpath = optarg;
			break;
		case 't':
			nthreads = atoi(optarg);
			if (nthreads < 1 || nthreads > 256) {
				fputs("nestegg-live: --threads takes 1 to "
				    "256\n", stderr);
				return 2;
			}
			break;
		case 'h':
			puts("usage: nestegg-live [--socket PATH] [--threads N]\n"
			    "Serves GET /live (Server-Sent Events) over FastCGI "
			    "(on PATH, or on\nfd 0 when it is a socket) or, "
			    "started by a CGI server, one stream.");
			return 0;
		default:
			return 2;
		}
	}
	if (config_load(&cfg, err, sizeof(err)) != 0) {
		log_error("configuration: %s", err);
		return 1;
	}
	if (strcmp(cfg.log, "syslog") == 0)
		log_to_syslog("nestegg-live");
	live_opts_load(&cfg, &o);
	if (nthreads == 0)
		nthreads = cfg.live_threads > 0 ? cfg.live_threads : 4;
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_error("cannot initialise the MariaDB client library");
		return 1;
	}
	epoch_open(cfg.var);
	metrics_open(cfg.var);
	raise_files();
	if (sockpath == NULL && FCGX_IsCGI())
		return live_cgi(&cfg, &o);
	return run_fastcgi(&cfg, &o, sockpath, nthreads);
}
