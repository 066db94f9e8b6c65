/*
 * lease.h - jobs that run one at a time across hosts: a lease row each.
 *
 * MariaDB's GET_LOCK() belongs to one server and Galera does not
 * replicate it: two hosts on two nodes would both get it.  A lease is a
 * row of the leases table (sql/019_leases.sql): whoever holds a row
 * whose expires_at has not passed runs the job.
 *
 * Taking is one autocommit UPDATE that matches only a row that is free
 * (expired), already the taker's, or held by a connection of the same
 * database server that is gone (a killed job: the next one needs not
 * wait for the expiry).  One row changed: taken.  On Galera two nodes
 * that race for it both change it locally and certification fails one
 * of them with error 1213: not taken.  A connection lost on the way
 * leaves it unknown; the row is read again on a new one.
 *
 * While held, a thread of the lease's own, on a connection of its own,
 * renews it every LEASE_RENEW seconds for LEASE_LIFE seconds.  The job
 * asks lease_held() before each write and stops when it says no: that
 * is when a renewal is overdue by LEASE_MARGIN seconds of LEASE_LIFE (the
 * margin covers clocks of database nodes that differ a little).  A host
 * killed mid-job leaves a lease that expires LEASE_LIFE seconds later,
 * well within a fetch interval, and a job on another host takes it.
 */
#ifndef NESTEGG_LEASE_H
#define NESTEGG_LEASE_H

#include <pthread.h>
#include <time.h>

#include "config.h"
#include "db.h"

#define LEASE_LIFE	20	/* seconds a taking or renewal lasts */
#define LEASE_RENEW	5	/* seconds between renewals */
#define LEASE_MARGIN	5	/* seconds before the end it is given up */

struct lease {
	struct db db;			/* the lease's own connection */
	char name[64];
	char holder[128];		/* host:pid:random */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec until;		/* held until (CLOCK_MONOTONIC) */
	int running, stop, lost;
};

/*
 * Takes the lease name for this process, on an admin connection of its
 * own to cfg's database, waiting up to wait seconds (0: not at all) for
 * another holder to end, and starts renewing it.  1 taken (release it
 * with lease_release()), 0 held by another all along, -1 a database
 * failure (errmsg, errlen).
 */
int lease_take(struct lease *l, const struct config *cfg, const char *name,
    int wait, char *errmsg, size_t errlen);

/* 1 while the lease is surely still this process's, else 0 (stop
 * writing). */
int lease_held(struct lease *l);

/* Stops renewing and gives the lease up (expires it now, if it is still
 * this process's); closes its connection. */
void lease_release(struct lease *l);

#endif
