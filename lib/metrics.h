/*
 * metrics.h - counters for /metrics, shared by every process of a stack
 * through the mapped file $NESTEGG_VAR/run/metrics (as epoch.h shares
 * its counters): each page worker counts its requests by route and
 * status and how long they took, and how its pool of threads grew,
 * shrank and queued (pool.c).  Counters only grow; Prometheus computes
 * the rates.  Gauges (open streams, database connections, requests in
 * progress, page worker threads) are kept per process, in a slot of its own, and
 * read as the sum over the processes still alive: one that died leaves
 * nothing behind.
 *
 * When the file cannot be mapped, nothing is counted and metrics_get()
 * returns NULL.
 */
#ifndef NESTEGG_METRICS_H
#define NESTEGG_METRICS_H

#define METRICS_ROUTES 64	/* a route's index: its row in routes.c;
				   the last is "no route" */
#define METRICS_BUCKETS 10	/* request duration: see metrics_bucket_ms */

/* The statuses counted one by one; any other counts as the last. */
#define METRICS_STATUSES 21
extern const int metrics_status[METRICS_STATUSES];

/* Upper bounds of the duration buckets, in milliseconds; the last is
 * infinite (0 here). */
extern const int metrics_bucket_ms[METRICS_BUCKETS];

enum metrics_gauge {
	GAUGE_LIVE_STREAMS,	/* open /live streams */
	GAUGE_DB_CONNECTIONS,	/* open database connections of workers */
	GAUGE_REQUESTS,		/* requests being served now */
	GAUGE_THREADS,		/* page worker threads */
	GAUGE_THREADS_BUSY,	/* of them, holding a connection */
	GAUGE_THREADS_MAX,	/* the most each page worker may have */
	GAUGE__MAX
};

enum metrics_counter {
	COUNTER_THREADS_GROWN,	/* threads added to a page worker's pool */
	COUNTER_THREADS_RETIRED, /* threads that ended, not needed */
	COUNTER_QUEUE_MS,	/* ms a connection waited with all busy */
	COUNTER__MAX
};

#define METRICS_PROCS 128

struct metrics {
	unsigned long requests[METRICS_ROUTES][METRICS_STATUSES];
	unsigned long bucket[METRICS_ROUTES][METRICS_BUCKETS];
	unsigned long micros[METRICS_ROUTES];	/* sum of durations */
	unsigned long db_errors;	/* database calls that failed */
	unsigned long counter[COUNTER__MAX];
	struct {
		int pid;		/* 0: free */
		long gauge[GAUGE__MAX];
	} proc[METRICS_PROCS];
	unsigned long db_retries;	/* transactions run again (db_again) */
};

/* Maps <var>/run/metrics, creating it; 0, or -1 (nothing counted). */
int metrics_open(const char *var);

/* Counts one request of route (index; out of range: "no route") that
 * answered status after micros microseconds. */
void metrics_request(int route, int status, unsigned long micros);

/* Adds delta to this process's share of a gauge. */
void metrics_gauge(enum metrics_gauge g, long delta);

/* A gauge: the sum over the processes alive. */
long metrics_gauge_value(enum metrics_gauge g);

/* Adds n to a counter. */
void metrics_count(enum metrics_counter c, unsigned long n);

/* Counts a failed database call. */
void metrics_db_error(void);

/* Counts a transaction run again after a deadlock or conflict. */
void metrics_db_retry(void);

/* The shared counters, or NULL when not mapped. */
const struct metrics *metrics_get(void);

#endif
