/*
 * liveload.c - a load generator for GET /live: many concurrent
 * Server-Sent Events streams over TLS through nginx, as browsers hold
 * them, and the delay from each valuation run's commit to each stream's
 * event of that run.
 *
 *   liveload PORT COOKIES STREAMS
 *
 * COOKIES is a file of session tokens, one a line; stream i uses line
 * i % lines.  Streams are opened at most 128 handshakes at a time.  Once
 * every stream has its first event, "ready N" is printed.  Then standard
 * input gives lines "RUN id commit_us" (the run's commit, microseconds
 * since the epoch, CLOCK_REALTIME): each stream's first event whose data
 * starts with {"run":id (or later) is taken as its event of that run.
 * At "END", or when input ends, it waits up to 10 s for the missing
 * events and prints, for every run told, the delays (ms) of the streams
 * that got it, then "summary: streams S events E missing M p50 P50 p90
 * P90 p99 P99 max MAX" over all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAXRUNS 64
#define HANDSHAKES 128

enum { CONNECTING, HANDSHAKE, SENDING, READING, DEAD };

struct conn {
	int fd, state;
	SSL *ssl;
	char req[512];
	size_t reqlen, sent;
	long long last_run;		/* newest run seen in an event */
	long long seen_run[MAXRUNS];	/* runs of its events, as they came */
	long long seen_t[MAXRUNS];	/* and when (us) */
	int nseen;
	char tail[32];			/* the last bytes read, for patterns */
	size_t ntail;
	int ready;
};

static struct conn *conns;
static int nconns, ep;
static long long run_ids[MAXRUNS], commit_us[MAXRUNS];
static int nruns;

static long long
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void
want(struct conn *c, unsigned events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
die(struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	SSL_free(c->ssl);
	c->ssl = NULL;
	c->state = DEAD;
}

/* Looks for 'data: {"run":N' in what came, across reads. */
static void
scan(struct conn *c, const char *p, size_t n)
{
	static const char pat[] = "data: {\"run\":";
	char buf[32 + 16384 + 1];
	size_t len;
	const char *hit, *s;

	if (n > 16384)
		n = 16384;
	memcpy(buf, c->tail, c->ntail);
	memcpy(buf + c->ntail, p, n);
	len = c->ntail + n;
	buf[len] = '\0';
	for (s = buf; (hit = memmem(s, len - (size_t)(s - buf), pat,
	    sizeof(pat) - 1)) != NULL; s = hit + 1) {
		const char *d = hit + sizeof(pat) - 1;
		long long run = 0;

		if ((size_t)(d - buf) + 20 > len && n == 16384)
			break;
		while (*d >= '0' && *d <= '9')
			run = run * 10 + (*d++ - '0');
		if (*d != ',')
			continue;	/* cut short: the next read has it */
		c->ready = 1;
		if (run > c->last_run) {
			c->last_run = run;
			if (c->nseen < MAXRUNS) {
				c->seen_run[c->nseen] = run;
				c->seen_t[c->nseen++] = now_us();
			}
		}
	}
	c->ntail = len < sizeof(c->tail) ? len : sizeof(c->tail);
	memcpy(c->tail, buf + len - c->ntail, c->ntail);
}

static void
step(struct conn *c, SSL_CTX *ctx)
{
	int rc, err;

	(void)ctx;
	for (;;) {
		switch (c->state) {
		case CONNECTING: {
			int e = 0;
			socklen_t l = sizeof(e);

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
			if (e != 0) {
				die(c);
				return;
			}
			c->state = HANDSHAKE;
			break;
		}
		case HANDSHAKE:
			rc = SSL_connect(c->ssl);
			if (rc == 1) {
				c->state = SENDING;
				break;
			}
			err = SSL_get_error(c->ssl, rc);
			if (err == SSL_ERROR_WANT_READ)
				want(c, EPOLLIN);
			else if (err == SSL_ERROR_WANT_WRITE)
				want(c, EPOLLOUT);
			else
				die(c);
			return;
		case SENDING:
			rc = SSL_write(c->ssl, c->req + c->sent,
			    (int)(c->reqlen - c->sent));
			if (rc > 0) {
				c->sent += (size_t)rc;
				if (c->sent == c->reqlen) {
					c->state = READING;
					want(c, EPOLLIN);
				}
				break;
			}
			err = SSL_get_error(c->ssl, rc);
			if (err == SSL_ERROR_WANT_READ)
				want(c, EPOLLIN);
			else if (err == SSL_ERROR_WANT_WRITE)
				want(c, EPOLLOUT);
			else
				die(c);
			return;
		case READING: {
			char buf[16384];

			rc = SSL_read(c->ssl, buf, sizeof(buf));
			if (rc > 0) {
				scan(c, buf, (size_t)rc);
				break;
			}
			err = SSL_get_error(c->ssl, rc);
			if (err != SSL_ERROR_WANT_READ &&
			    err != SSL_ERROR_WANT_WRITE)
				die(c);
			return;
		}
		default:
			return;
		}
	}
}

static int
start(struct conn *c, SSL_CTX *ctx, int port, const char *token)
{
	struct sockaddr_in sa;
	struct epoll_event ev;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS) {
		close(c->fd);
		return -1;
	}
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
	    "GET /live HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: "
	    "text/event-stream\r\nCookie: __Host-sid=%s\r\n\r\n", port, token);
	c->state = CONNECTING;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void
pump(SSL_CTX *ctx, int ms)
{
	struct epoll_event evs[1024];
	int n = epoll_wait(ep, evs, 1024, ms);

	for (int i = 0; i < n; i++)
		step(evs[i].data.ptr, ctx);
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	SSL_CTX *ctx;
	char **tokens = NULL, line[256];
	int ntokens = 0, port, started = 0, ready = 0, in_open = 1;
	FILE *f;
	long long *all;
	size_t nall = 0;
	long missing = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: liveload PORT COOKIES STREAMS\n");
		return 2;
	}
	port = atoi(argv[1]);
	nconns = atoi(argv[3]);
	if ((f = fopen(argv[2], "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		tokens = realloc(tokens, (size_t)(ntokens + 1) * sizeof(*tokens));
		tokens[ntokens++] = strdup(line);
	}
	fclose(f);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	conns = calloc((size_t)nconns, sizeof(*conns));
	ep = epoll_create1(0);
	/* Open every stream, a bounded number of handshakes at a time. */
	while (ready < nconns) {
		int opening = 0;

		ready = 0;
		for (int i = 0; i < started; i++) {
			if (conns[i].state == DEAD) {
				fprintf(stderr, "stream %d failed\n", i);
				return 1;
			}
			ready += conns[i].ready;
			opening += !conns[i].ready;
		}
		while (started < nconns && opening < HANDSHAKES) {
			if (start(&conns[started], ctx, port,
			    tokens[started % ntokens]) != 0) {
				perror("connect");
				return 1;
			}
			started++;
			opening++;
		}
		pump(ctx, 20);
	}
	printf("ready %d\n", nconns);
	fflush(stdout);
	/* Runs as they are told, while the streams go on reading. */
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	{
		struct epoll_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = NULL;
		epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
	}
	for (long long deadline = 0;;) {
		struct epoll_event evs[1024];
		int n = epoll_wait(ep, evs, 1024, 20), all_got = 1;

		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) {
				while (fgets(line, sizeof(line), stdin) != NULL) {
					long long id, t;

					if (strncmp(line, "END", 3) == 0)
						in_open = 0;
					else if (sscanf(line, "RUN %lld %lld", &id,
					    &t) == 2 && nruns < MAXRUNS) {
						run_ids[nruns] = id;
						commit_us[nruns] = t;
						nruns++;
					}
				}
				if (feof(stdin))
					in_open = 0;
				clearerr(stdin);
				continue;
			}
			step(evs[i].data.ptr, ctx);
		}
		if (in_open)
			continue;
		if (deadline == 0) {
			epoll_ctl(ep, EPOLL_CTL_DEL, 0, NULL);
			deadline = now_us() + 10000000;
		}
		for (int k = 0; k < nconns && all_got; k++)
			for (int r = 0; r < nruns && all_got; r++)
				all_got = conns[k].last_run >= run_ids[r];
		if (all_got || now_us() > deadline)
			break;
	}
	all = calloc((size_t)nconns * (size_t)(nruns + 1), sizeof(*all));
	for (int r = 0; r < nruns; r++) {
		long long worst = 0;
		long got = 0;

		for (int k = 0; k < nconns; k++) {
			const struct conn *c = &conns[k];
			long long d = -1;

			/* Its first event of this run or a later one. */
			for (int i = 0; i < c->nseen && d < 0; i++)
				if (c->seen_run[i] >= run_ids[r])
					d = c->seen_t[i] - commit_us[r];
			if (d == -1 && c->last_run < run_ids[r]) {
				missing++;
				continue;
			}
			if (d < 0)
				d = 0;
			all[nall++] = d;
			got++;
			if (d > worst)
				worst = d;
		}
		printf("run %lld: %ld of %d streams, slowest %.1f ms\n",
		    run_ids[r], got, nconns, (double)worst / 1000);
	}
	qsort(all, nall, sizeof(*all), cmp_ll);
#define PCT(p) (nall ? (double)all[(size_t)((double)(nall - 1) * (p))] / \
	1000 : 0)
	printf("summary: streams %d events %zu missing %ld p50 %.1f p90 %.1f "
	    "p99 %.1f max %.1f\n", nconns, nall, missing, PCT(0.50),
	    PCT(0.90), PCT(0.99), nall ? (double)all[nall - 1] / 1000 : 0);
	return 0;
}
