/*
 * pool.c - the page worker's threads, sized by the queue (see pool.h).
 *
 * Growing.  A request queues when its connection waits in the listening
 * socket's backlog and no thread is in accept() to take it.  The pool
 * counts its threads (n) and those holding a connection (busy); the
 * kernel tells whether a connection waits: poll() finds a listening
 * socket readable exactly when its accept queue is not empty.  (Linux
 * has no other cheap measure for a unix socket: ioctl(SIOCINQ) refuses
 * a listening one, /proc/net/unix shows no queue, and sock_diag's
 * UDIAG_SHOW_RQLEN gives the exact count through a netlink round trip,
 * more than the pool needs to add threads one at a time.)  A watcher
 * thread sleeps on a condition until every thread is busy, and only
 * then polls the socket; a connection still waiting GROW_WAIT later,
 * with every thread still busy, has queued: the watcher adds a thread,
 * up to max, and looks again once that thread has taken a connection.
 * The wait leaves out a connection that a finishing thread takes a
 * moment later.  An idle or lightly loaded worker spends nothing on
 * watching; a saturated one wakes the watcher every GROW_WAIT.  A fixed
 * number of threads (min = max) has no watcher: the worker then runs as
 * it did before it had a pool.
 *
 * Queueing for a thread is not queueing for a processor: when the
 * cores are saturated, more threads only share them more thinly, and
 * the pool grows to max all the same.  max bounds that: the default,
 * 16 on a 2-core host of two workers, is twice the fixed 8 that the
 * dashboard benchmark was tuned with, for requests that wait on the
 * database rather than compute.  The dashboard at 64 connections (make
 * bench, its p99 over the hello-world's in the same run, on the shared
 * 2-core machine, four runs each, alternated): 8 threads before the
 * pool 1.4-3.3, 8 threads in it 1.3-3.1, a pool of 4 to 16 1.2-1.8 (two
 * runs), of 4 to 32 2.5-4.9 (two runs).  GROW_WAIT, a fifth of the
 * dashboard's 25 ms p99 target, was not tuned further.
 *
 * Shrinking.  "A thread idle for N seconds ends" would not shrink: the
 * kernel hands each connection to the thread that has waited in
 * accept() longest, so under a light steady load every thread gets one
 * now and then and none stays idle (php-fpm's ondemand mode has that
 * flaw).  The pool records instead, for each k, when k threads were
 * last busy at once; when the n-th thread has not been needed for idle
 * seconds, the next thread to come free ends, down to min.  So the pool
 * follows the busiest moment of the last idle seconds.  With no request
 * at all, accept() times out (SO_RCVTIMEO on the listening socket,
 * which accept() honours and the connections it returns do not
 * inherit), and the waiting threads ask then.
 *
 * A thread kept by an open connection (nginx's keepalive) counts as
 * busy: the pool grows rather than leave new connections waiting behind
 * kept ones.  A new thread opens its database connection and parses its
 * templates at its first requests, as the first threads did.
 */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "metrics.h"

#define GROW_WAIT 5		/* ms a connection waits before it counts */
#define WATCH_MS 100		/* ms between looks while all are busy */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* to the watcher: all busy, or stopping */
	pthread_cond_t ended;	/* to pool_stop: a thread ended */
	int fd, min, max;
	long idle_ms;
	int n;			/* threads in the pool */
	int busy;		/* of them, holding a connection */
	int alive;		/* threads not yet ended */
	int stopping;
	long *last;		/* [k]: ms when busy last fell below k */
	void (*run)(void *);
	void *arg;
	pthread_t watcher;
	int watching;		/* the watcher runs (min < max) */
} p = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
	.ended = PTHREAD_COND_INITIALIZER, .fd = -1 };

static long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static void *
thread_main(void *unused)
{
	(void)unused;
	p.run(p.arg);
	pthread_mutex_lock(&p.lock);
	p.alive--;
	pthread_cond_signal(&p.ended);
	pthread_mutex_unlock(&p.lock);
	return NULL;
}

/* Starts one more thread; with the lock held.  0, or -1. */
static int
spawn(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	int e;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&tid, &attr, thread_main, NULL);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		errno = e;
		return -1;
	}
	p.n++;
	p.alive++;
	p.last[p.n] = now_ms();
	metrics_gauge(GAUGE_THREADS, 1);
	return 0;
}

/* Whether a connection waits in the backlog, within ms. */
static int
waiting(int ms)
{
	struct pollfd pfd = { p.fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) > 0 && (pfd.revents & POLLIN);
}

static void *
watch(void *unused)
{
	const struct timespec grow_wait = { 0, GROW_WAIT * 1000000L };

	(void)unused;
	pthread_mutex_lock(&p.lock);
	while (!p.stopping) {
		int queued;

		if (p.busy < p.n) {
			pthread_cond_wait(&p.wake, &p.lock);
			continue;
		}
		/* Every thread is busy: a connection coming now waits. */
		pthread_mutex_unlock(&p.lock);
		queued = waiting(WATCH_MS);
		if (queued) {
			nanosleep(&grow_wait, NULL);
			queued = waiting(0);
		}
		pthread_mutex_lock(&p.lock);
		if (!queued || p.stopping || p.busy < p.n)
			continue;
		metrics_count(COUNTER_QUEUE_MS, GROW_WAIT);
		if (p.n >= p.max)
			continue;
		if (spawn() == 0)
			metrics_count(COUNTER_THREADS_GROWN, 1);
		else {
			log_warn("cannot start a thread beyond %d: %m; "
			    "keeping to %d", p.n, p.n);
			metrics_gauge(GAUGE_THREADS_MAX, p.n - p.max);
			p.max = p.n;
		}
	}
	pthread_mutex_unlock(&p.lock);
	return NULL;
}

int
pool_start(int fd, int min, int max, int idle, void (*run)(void *),
    void *arg)
{
	if (min < 1 || max < min || idle < 1)
		return -1;
	p.fd = fd;
	p.min = min;
	p.max = max;
	p.idle_ms = idle * 1000L;
	p.run = run;
	p.arg = arg;
	if ((p.last = calloc((size_t)max + 1, sizeof(*p.last))) == NULL)
		return -1;
	if (min < max) {
		/* A little over idle: a timed-out wait has then always
		 * lasted idle seconds by pool_idle's clock. */
		struct timeval tv = { idle, 100000 };

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) != 0)
			log_warn("SO_RCVTIMEO: %m; an idle worker keeps its "
			    "threads until its next request");
	}
	metrics_gauge(GAUGE_THREADS_MAX, max);
	pthread_mutex_lock(&p.lock);
	for (int i = 0; i < min; i++)
		if (spawn() != 0) {
			pthread_mutex_unlock(&p.lock);
			return -1;
		}
	pthread_mutex_unlock(&p.lock);
	if (min < max) {
		if (pthread_create(&p.watcher, NULL, watch, NULL) != 0)
			return -1;
		p.watching = 1;
	}
	return 0;
}

void
pool_busy(void)
{
	pthread_mutex_lock(&p.lock);
	p.busy++;
	metrics_gauge(GAUGE_THREADS_BUSY, 1);
	if (p.busy >= p.n)
		pthread_cond_signal(&p.wake);
	pthread_mutex_unlock(&p.lock);
}

int
pool_idle(int was_busy)
{
	long now = now_ms();
	int leave = 0;

	pthread_mutex_lock(&p.lock);
	if (was_busy) {
		p.last[p.busy] = now;
		p.busy--;
		metrics_gauge(GAUGE_THREADS_BUSY, -1);
	}
	if (!p.stopping && p.n > p.min && now - p.last[p.n] >= p.idle_ms) {
		/* The n-th thread was not needed for idle seconds. */
		p.n--;
		metrics_gauge(GAUGE_THREADS, -1);
		metrics_count(COUNTER_THREADS_RETIRED, 1);
		if (p.busy >= p.n)
			pthread_cond_signal(&p.wake);
		leave = 1;
	}
	pthread_mutex_unlock(&p.lock);
	return leave;
}

int
pool_stop(int secs)
{
	struct timespec deadline;
	int rc = 0;

	pthread_mutex_lock(&p.lock);
	p.stopping = 1;
	pthread_cond_signal(&p.wake);
	pthread_mutex_unlock(&p.lock);
	/* accept() in every thread now fails; busy threads finish their
	 * request first. */
	shutdown(p.fd, SHUT_RDWR);
	if (p.watching)
		pthread_join(p.watcher, NULL);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += secs;
	pthread_mutex_lock(&p.lock);
	while (p.alive > 0 && rc == 0)
		if (pthread_cond_timedwait(&p.ended, &p.lock, &deadline) ==
		    ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&p.lock);
	return rc;
}
