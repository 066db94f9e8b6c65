/*
 * metrics.c - counters shared through a mapped file (see metrics.h).
 */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const int metrics_status[METRICS_STATUSES] = { 200, 201, 204, 301, 302,
    303, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502,
    503, 0 };
const int metrics_bucket_ms[METRICS_BUCKETS] = { 5, 10, 25, 50, 100, 250,
    500, 1000, 2500, 0 };

static struct metrics *m;
static int slot = -1;			/* this process's, in m->proc */

static int
alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int
metrics_open(const char *var)
{
	char path[600];
	size_t size = (sizeof(*m) + 4095) / 4096 * 4096;
	void *p;
	int fd;

	/* The state directory's run/ (made here on a server, where
	 * nothing else makes it). */
	snprintf(path, sizeof(path), "%s/run", var);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/run/metrics", var);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	m = p;
	/* A slot of its own: a free one, or one whose process died. */
	for (int i = 0; i < METRICS_PROCS && slot < 0; i++) {
		int pid = __atomic_load_n(&m->proc[i].pid, __ATOMIC_ACQUIRE);

		if ((pid == 0 || !alive(pid)) && __atomic_compare_exchange_n(
		    &m->proc[i].pid, &pid, (int)getpid(), 0, __ATOMIC_ACQ_REL,
		    __ATOMIC_ACQUIRE)) {
			slot = i;
			for (int g = 0; g < GAUGE__MAX; g++)
				__atomic_store_n(&m->proc[i].gauge[g], 0,
				    __ATOMIC_RELEASE);
		}
	}
	return 0;
}

void
metrics_request(int route, int status, unsigned long micros)
{
	int s = 0, b = 0;

	if (m == NULL)
		return;
	if (route < 0 || route >= METRICS_ROUTES)
		route = METRICS_ROUTES - 1;
	while (s < METRICS_STATUSES - 1 && metrics_status[s] != status)
		s++;
	while (b < METRICS_BUCKETS - 1 &&
	    micros > (unsigned long)metrics_bucket_ms[b] * 1000)
		b++;
	__atomic_add_fetch(&m->requests[route][s], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->bucket[route][b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->micros[route], micros, __ATOMIC_RELAXED);
}

void
metrics_gauge(enum metrics_gauge g, long delta)
{
	if (m != NULL && slot >= 0)
		__atomic_add_fetch(&m->proc[slot].gauge[g], delta,
		    __ATOMIC_RELAXED);
}

long
metrics_gauge_value(enum metrics_gauge g)
{
	long v = 0;

	for (int i = 0; m != NULL && i < METRICS_PROCS; i++) {
		int pid = __atomic_load_n(&m->proc[i].pid, __ATOMIC_ACQUIRE);

		if (pid != 0 && alive(pid))
			v += __atomic_load_n(&m->proc[i].gauge[g],
			    __ATOMIC_RELAXED);
	}
	return v;
}

void
metrics_count(enum metrics_counter c, unsigned long n)
{
	if (m != NULL)
		__atomic_add_fetch(&m->counter[c], n, __ATOMIC_RELAXED);
}

void
metrics_db_error(void)
{
	if (m != NULL)
		__atomic_add_fetch(&m->db_errors, 1, __ATOMIC_RELAXED);
}

void
metrics_db_retry(void)
{
	if (m != NULL)
		__atomic_add_fetch(&m->db_retries, 1, __ATOMIC_RELAXED);
}

const struct metrics *
metrics_get(void)
{
	return m;
}
