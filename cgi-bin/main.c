/*
 * main.c - the page worker: a multi-threaded FastCGI server, or a plain
 * CGI program when a web server starts it as one.
 *
 *   nestegg-web --socket PATH [--threads N | --min-threads N
 *               --max-threads N]          listen on a unix socket
 *   nestegg-web                           FastCGI on fd 0 when it is a
 *                                         socket, else one CGI request
 *
 * Each thread owns one FastCGI request, one database connection and one
 * arena, and serves requests with FCGX_Accept_r in a loop (no accept
 * mutex: the kernel hands each connection to one thread).  The threads
 * are a pool (pool.c): N of them, or from the minimum up to the maximum
 * while requests queue and back when they are no longer needed.
 * SIGTERM or SIGINT shuts the listening socket, lets each thread finish
 * the request it is serving, and exits.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#include "epoch.h"
#include "log.h"
#include "metrics.h"
#include "password.h"
#include "pool.h"
#include "sock.h"
#include "view.h"
#include "web.h"

#define BIG_REQUEST (64u << 20)	/* bytes of a request worth returning */
#define MALLOC_ARENAS 2		/* glibc's heaps a worker's threads share */
#define TRIM_EVERY 2048		/* requests between two heap trims */
#define TRIM_GAP 3		/* seconds at least between two trims */

static unsigned long served;	/* requests served, for TRIM_EVERY */
static long last_trim;		/* CLOCK_MONOTONIC seconds, for TRIM_GAP */

/*
 * Whether the periodic trim is due: every TRIM_EVERY requests, but at
 * most once in TRIM_GAP seconds.  A trim locks each heap in turn while
 * it walks it (0.6 ms, and 20 ms when its thread lost the CPU meanwhile,
 * with every thread wanting that heap waiting), and the pages it gives
 * back are faulted in again by the next requests: under the dashboard
 * benchmark the count alone trimmed two or three times a second.  At
 * the soak's rate (500 requests a second a worker) the count comes
 * first, as before.
 */
static int
trim_due(void)
{
	struct timespec now;
	long last;

	if (__atomic_add_fetch(&served, 1, __ATOMIC_RELAXED) % TRIM_EVERY != 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	last = __atomic_load_n(&last_trim, __ATOMIC_RELAXED);
	return now.tv_sec - last >= TRIM_GAP &&
	    __atomic_compare_exchange_n(&last_trim, &last, (long)now.tv_sec, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

struct worker {
	int listen_fd;
	const struct config *cfg;
	struct db db;
	struct arena arena;
	struct buf headers, out;
};

/* Where a request's input comes from and its output goes: FastCGI
 * streams, or stdin/stdout and the environment for CGI. */
struct io {
	FCGX_Request *f;
};

static const char *
io_param(const struct io *io, const char *name)
{
	return io->f ? FCGX_GetParam(name, io->f->envp) : getenv(name);
}

static size_t
io_read(const struct io *io, char *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int k;

		if (io->f) {
			int want = n - got > 65536 ? 65536 : (int)(n - got);

			k = FCGX_GetStr(p + got, want, io->f->in);
		} else
			k = (int)fread(p + got, 1, n - got, stdin);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return got;
}

static void
io_write(const struct io *io, const char *p, size_t n)
{
	if (io->f)
		FCGX_PutStr(p, (int)n, io->f->out);
	else
		fwrite(p, 1, n, stdout);
}

static const struct {
	const char *name;
	enum method m;
} methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST },
	{ "PUT", M_PUT }, { "DELETE", M_DELETE }, { "PATCH", M_PATCH },
};

static enum method
parse_method(const char *m)
{
	for (size_t i = 0; m && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].m;
	return M_OTHER;
}

static const char *
method_name(enum method m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "OTHER";
}

/* Reads and parses the request into r; sets r->status on bad input. */
static void
read_request(struct req *r, const struct io *io)
{
	const char *path = io_param(io, "PATH_INFO");
	const char *qs = io_param(io, "QUERY_STRING");
	const char *cookie = io_param(io, "HTTP_COOKIE");
	const char *clen = io_param(io, "CONTENT_LENGTH");
	enum http_err e;
	char *end;
	long long n = 0;

	r->method = parse_method(io_param(io, "REQUEST_METHOD"));
	r->remote_addr = io_param(io, "REMOTE_ADDR");
	if (r->remote_addr == NULL)
		r->remote_addr = "";
	/* nginx's id of the request, in its log and in ours. */
	r->request_id = io_param(io, "REQUEST_ID");
	if (r->request_id == NULL)
		r->request_id = "-";
	r->user_agent = io_param(io, "HTTP_USER_AGENT");
	r->csrf_header = io_param(io, "HTTP_X_CSRF_TOKEN");
	r->idem_header = io_param(io, "HTTP_IDEMPOTENCY_KEY");
	r->media_type = http_media_type(r->a, io_param(io, "CONTENT_TYPE"));
	if (path == NULL || *path == '\0')
		path = "/";
	r->path = path;
	if (*path != '/' || strlen(path) > 2048 ||
	    !utf8_valid(path, strlen(path))) {
		r->path = "/";
		r->status = 400;
		return;
	}
	if (qs != NULL && (e = http_parse_urlencoded(r->a, &r->query, qs,
	    strlen(qs))) != HTTP_OK) {
		r->error_msg = http_strerror(e);
		r->status = 400;
		return;
	}
	if (cookie != NULL && http_parse_cookies(r->a, &r->cookies, cookie)
	    != HTTP_OK) {
		r->status = 400;
		return;
	}
	if (clen != NULL && *clen != '\0') {
		n = strtoll(clen, &end, 10);
		if (*end != '\0' || n < 0) {
			r->status = 400;
			return;
		}
	}
	/* Files to import are larger than any form. */
	if (n > (strlen(path) > 7 && strcmp(path + strlen(path) - 7,
	    "/import") == 0 ? r->cfg->import_max : r->cfg->body_max)) {
		r->status = 413;
		return;
	}
	r->body = arena_alloc(r->a, (size_t)n + 1);
	r->body_len = io_read(io, (char *)r->body, (size_t)n);
	if (r->body_len != (size_t)n) {
		r->status = 400;
		return;
	}
	if (strcmp(r->media_type, "application/x-www-form-urlencoded") == 0)
		e = http_parse_urlencoded(r->a, &r->form, r->body, r->body_len);
	else if (strcmp(r->media_type, "multipart/form-data") == 0)
		e = http_parse_multipart(r->a, &r->form, r->body, r->body_len,
		    io_param(io, "CONTENT_TYPE"));
	else
		e = HTTP_OK;
	if (e != HTTP_OK) {
		r->error_msg = http_strerror(e);
		r->status = 400;
	}
}

static void
write_response(struct req *r, const struct io *io)
{
	struct buf *h = &r->headers;
	struct buf head;

	buf_init(&head);
	buf_printf(&head, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n",
	    r->status, web_reason(r->status), r->content_type, r->out.len);
	buf_append(&head, h->data ? h->data : "", h->len);
	buf_puts(&head, "\r\n");
	io_write(io, head.data, head.len);
	if (r->method != M_HEAD)
		io_write(io, r->out.data ? r->out.data : "", r->out.len);
	buf_free(&head);
}

/* Serves one request end to end. */
static void
serve(struct worker *w, const struct io *io)
{
	struct req r;
	HDF *hdf = NULL;
	NEOERR *nerr;
	struct timespec t0, t1;
	unsigned long micros;

	memset(&r, 0, sizeof(r));
	arena_reset(&w->arena);
	buf_reset(&w->headers);
	buf_reset(&w->out);
	if ((nerr = hdf_init(&hdf)) != STATUS_OK) {
		nerr_ignore(&nerr);
		abort();
	}
	r.a = &w->arena;
	r.db = &w->db;
	r.cfg = w->cfg;
	r.hdf = hdf;
	r.headers = w->headers;
	r.out = w->out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	metrics_gauge(GAUGE_REQUESTS, 1);
	read_request(&r, io);
	dispatch(&r);
	write_response(&r, io);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	micros = (unsigned long)((t1.tv_sec - t0.tv_sec) * 1000000L +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	metrics_gauge(GAUGE_REQUESTS, -1);
	metrics_request(r.route ? (int)(r.route - routes) : -1, r.status,
	    micros);
	/* One line a request: its id, who, what, how it ended, how long. */
	log_info("req %s %s %s %s %d %lu.%03lu ms%s%s", r.request_id,
	    r.remote_addr, method_name(r.method), r.path ? r.path : "-",
	    r.status, micros / 1000, micros % 1000,
	    r.error_msg ? " " : "", r.error_msg ? r.error_msg : "");
	/* Keep the buffers' memory for the next request. */
	w->headers = r.headers;
	w->out = r.out;
	if (w->db.in_tx) {
		log_error("transaction left open by %s", r.path);
		db_rollback(&w->db);
	}
	hdf_destroy(&r.hdf);	/* a retry may have made another */
	/* A large request (an import, a long export) gives its memory back
	 * to the system at once: a worker stays the size of its usual
	 * requests, not of its largest. */
	if (w->arena.used > BIG_REQUEST || w->out.cap > BIG_REQUEST) {
		arena_reset(&w->arena);
		buf_free(&w->out);
		malloc_trim(0);
	} else if (trim_due()) {
		/* The pages freed by ordinary requests go back now and then
		 * too: the page cache's entries come and go in every size,
		 * and a heap that only keeps them creeps upward. */
		malloc_trim(0);
	}
}

/*
 * libfcgi ends a connection by shutting its sending side and waiting,
 * up to two seconds, for nginx to close first, reading whatever comes:
 * on TCP, input left unread turns a close into a reset that can destroy
 * the answer.  A unix socket keeps what was written readable after a
 * close, and once a request's input has been read to its end nginx
 * sends nothing more on that connection.  Then the thread closes at
 * once (a detached request is closed without the wait) and takes the
 * next request, instead of waiting for nginx to come round to this
 * one: under 64 connections on two cores that wait was 70% of a
 * thread's time, and new connections queued behind the waiting
 * threads.  Input not read to its end (a body refused unread) keeps
 * libfcgi's wait, so that nginx can finish sending it and read the
 * answer.
 */
static int
input_done(FCGX_Request *f)
{
	char trash[4096];
	int left = 16;		/* reads of the rest: 64 KB at most */

	while (!FCGX_HasSeenEOF(f->in) && left-- > 0)
		if (FCGX_GetStr(trash, sizeof(trash), f->in) <= 0)
			break;
	return FCGX_HasSeenEOF(f->in) && FCGX_GetError(f->in) == 0;
}

/*
 * A thread of the pool: its own request, database connection and
 * arena, serving connections until the pool no longer needs it or the
 * listening socket is shut.
 */
static void
worker_main(void *arg)
{
	const struct worker *proto = arg;
	struct worker *w;
	FCGX_Request req;
	struct io io = { &req };
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int unix_socket, busy = 0, rc;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_error("out of memory for a thread");
		return;
	}
	w->listen_fd = proto->listen_fd;
	w->cfg = proto->cfg;
	db_init(&w->db, w->cfg, 0);
	arena_init(&w->arena);
	if (FCGX_InitRequest(&req, w->listen_fd, 0) != 0) {
		log_error("FCGX_InitRequest failed");
		free(w);
		return;
	}
	unix_socket = getsockname(w->listen_fd, (struct sockaddr *)&sa,
	    &len) == 0 && sa.ss_family == AF_UNIX;
	for (;;) {
		rc = FCGX_Accept_r(&req);
		if (rc == -EAGAIN) {
			/* No connection for a while (pool.c). */
			if (pool_idle(busy))
				break;
			busy = 0;
			continue;
		}
		if (rc < 0)
			break;
		if (!busy)
			pool_busy();
		busy = 1;
		serve(w, &io);
		if (unix_socket && input_done(&req))
			FCGX_Detach(&req);
		FCGX_Finish_r(&req);
		/* Free unless nginx keeps the connection for its next. */
		if (req.ipcFd < 0) {
			busy = 0;
			if (pool_idle(1))
				break;
		}
	}
	FCGX_Free(&req, 1);
	db_close(&w->db);
	view_thread_end();
	arena_free(&w->arena);
	buf_free(&w->headers);
	buf_free(&w->out);
	free(w);
	mysql_thread_end();
}

/*
 * Each thread of glibc keeps a cache of the chunks it freed (up to
 * seven of each small size): a thread's cache fills a little with every
 * rarer size it meets, so a worker's sixteen caches take half a million
 * requests and megabytes to fill, and its memory seems to creep for
 * the first quarter hour.  The worker's threads do without them and
 * share MALLOC_ARENAS heaps.  glibc reads this only from the
 * environment at start, so the worker sets it and starts itself again,
 * once (same pid, same arguments, the same program by its own path, so
 * that ps, top and pgrep still name it nestegg-web, not "exe"); if that
 * fails, it runs as it is.
 * (Under valgrind, set GLIBC_TUNABLES first: the second start would
 * run outside it.)
 */
#define NO_THREAD_CACHE "glibc.malloc.tcache_count=0"

static void
no_thread_caches(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");
	char v[1024], self[PATH_MAX];
	ssize_t n;

	if (t != NULL && strstr(t, "glibc.malloc.tcache_count=") != NULL)
		return;
	if (snprintf(v, sizeof(v), "%s%s%s", t ? t : "", t ? ":" : "",
	    NO_THREAD_CACHE) >= (int)sizeof(v) ||
	    setenv("GLIBC_TUNABLES", v, 1) != 0)
		return;
	/* The program's own path: the process's name is the file run. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		execv(self, argv);
	}
	log_warn("cannot start again without thread caches: %m");
}

static void
usage(FILE *f)
{
	fputs("usage: nestegg-web [--socket PATH] [--threads N | "
	    "--min-threads N --max-threads N]\n"
	    "Serves nestegg's pages over FastCGI (on PATH, or on fd 0 when it\n"
	    "is a socket) or, started by a CGI server, answers one request.\n"
	    "--threads runs N threads; without it, the threads grow from the\n"
	    "minimum to the maximum while requests queue (the settings\n"
	    "threads_min, threads_max and threads_idle).\n", f);
}

static int
run_cgi(const struct config *cfg)
{
	struct worker w;
	struct io io = { NULL };

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	db_init(&w.db, cfg, 0);
	arena_init(&w.arena);
	serve(&w, &io);
	fflush(stdout);
	db_close(&w.db);
	arena_free(&w.arena);
	buf_free(&w.headers);
	buf_free(&w.out);
	return 0;
}

static int
run_fastcgi(const struct config *cfg, const char *sockpath, int min, int max)
{
	static struct worker proto;
	sigset_t set;
	int fd = 0, sig = 0;

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	if (sockpath != NULL) {
		/* A socket left by a worker that died goes; a live one's
		 * stays.  The directory limits who connects. */
		if ((fd = sock_listen_unix(sockpath, 256)) < 0) {
			log_error("cannot listen on %s: %m", sockpath);
			return 1;
		}
	}
	/* Signals are taken by sigwait() below, never by a worker. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A heap per thread (glibc's default, eight a core) holds each
	 * thread's freed memory apart, and the worker grows with every
	 * thread that meets a larger page.  Two heaps bound that; most of
	 * a request's memory comes from its arena's few large blocks, so
	 * the threads seldom wait on them. */
	mallopt(M_ARENA_MAX, MALLOC_ARENAS);
	proto.listen_fd = fd;
	proto.cfg = cfg;
	if (pool_start(fd, min, max, cfg->threads_idle, worker_main,
	    &proto) != 0) {
		log_error("cannot start the threads: %m");
		return 1;
	}
	if (min == max)
		log_info("nestegg-web %d: %d threads on %s", (int)getpid(),
		    min, sockpath ? sockpath : "fd 0");
	else
		log_info("nestegg-web %d: %d to %d threads on %s",
		    (int)getpid(), min, max, sockpath ? sockpath : "fd 0");
	sigwait(&set, &sig);
	log_info("nestegg-web %d: signal %d, stopping", (int)getpid(), sig);
	if (pool_stop(10) != 0)
		log_warn("threads still busy after 10 s; exiting");
	if (sockpath != NULL)
		unlink(sockpath);
	log_info("nestegg-web %d: stopped", (int)getpid());
	_exit(0);
}

/* An option's number of threads: 1 to 1024, or -1. */
static int
thread_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s != '\0' && *end == '\0' && n >= 1 && n <= 1024 ? (int)n : -1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "min-threads", required_argument, NULL, 'm' },
		{ "max-threads", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct config cfg;
	const char *sockpath = NULL;
	char err[512];
	int nthreads = 0, min = 0, max = 0, c;

	while ((c = getopt_long(argc, argv, "s:t:m:M:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sockpath = optarg;
			break;
		case 't':
			nthreads = thread_count(optarg);
			break;
		case 'm':
			min = thread_count(optarg);
			break;
		case 'M':
			max = thread_count(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (nthreads < 0 || min < 0 || max < 0) {
		fputs("nestegg-web: --threads, --min-threads and "
		    "--max-threads take 1 to 1024\n", stderr);
		return 2;
	}
	if (sockpath != NULL || !FCGX_IsCGI())
		no_thread_caches(argv);
	if (config_load(&cfg, err, sizeof(err)) != 0) {
		log_error("configuration: %s", err);
		return 1;
	}
	password_set_cost(cfg.password_cost);	/* in range: config_load */
	if (strcmp(cfg.log, "syslog") == 0)
		log_to_syslog("nestegg-web");
	/* --threads, else the setting threads: a fixed number; else the
	 * options' or the settings' bounds. */
	if (nthreads == 0 && min == 0 && max == 0)
		nthreads = cfg.threads;
	if (nthreads > 0)
		min = max = nthreads;
	if (min == 0)
		min = cfg.threads_min;
	if (max == 0)
		max = cfg.threads_max;
	if (max < min) {
		fputs("nestegg-web: --max-threads is below --min-threads\n",
		    stderr);
		return 2;
	}
	view_global_init();
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_error("cannot initialise the MariaDB client library");
		return 1;
	}
	password_dummy_hash();
	if (metrics_open(cfg.var) != 0)
		log_warn("cannot map %s/run/metrics: no request counts",
		    cfg.var);
	if (epoch_open(cfg.var) == 0)
		web_caches_init();
	else
		log_warn("cannot map %s/run/epochs: caching off", cfg.var);
	if (sockpath == NULL && FCGX_IsCGI())
		return run_cgi(&cfg);
	return run_fastcgi(&cfg, sockpath, min, max);
}
