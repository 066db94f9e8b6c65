/*
 * health.h - what /healthz and /metrics say of a stack: the database,
 * the last fetch and valuation runs, the price sources, the workers.
 */
#ifndef NESTEGG_HEALTH_H
#define NESTEGG_HEALTH_H

#include "arena.h"
#include "cluster.h"
#include "config.h"
#include "db.h"

#define HEALTH_WORKERS 64

struct health_source {
	const char *name;
	long long errors, failing_runs;
	long long success_age;		/* seconds since it last answered;
					   -1: never */
};

struct health {
	int db_up;			/* this process's connection answers */
	long long db_micros;		/* the round trip of a query */
	struct cluster cluster;		/* each database node (cluster.h),
					   a reading at most a second old */
	long long fetch_age, fetch_ms;	/* the last fetch run: seconds
					   since it started, its duration;
					   -1: none yet */
	long long val_age, val_ms;	/* the same for valuation runs */
	struct health_source *src;
	size_t nsrc;
	struct {
		char name[32];		/* "web-1", "live" */
		int up;			/* accepts connections */
	} worker[HEALTH_WORKERS];
	size_t nworkers;
};

/*
 * Reads the health of the stack of cfg: the workers from the sockets in
 * cfg->socket_dir (web-*.sock and live.sock), each database node from
 * cluster_read() (within about a second), the rest from the database
 * (d; db_up 0 when it does not answer, or at once when no node serves;
 * d, when not connected, is pointed at a node that serves).  Always
 * fills h.
 */
void health_read(struct db *d, struct arena *a, const struct config *cfg,
    struct health *h);

#endif
