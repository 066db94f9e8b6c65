/*
 * lease.c - jobs that run one at a time across hosts (see lease.h).
 */
#include "lease.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

/* The database server a connection is on, as the row records it. */
#define SERVER "CONCAT_WS(':', @@hostname, @@port, @@socket)"

static void
mono_now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

static int
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec &&
	    a->tv_nsec < b->tv_nsec);
}

static struct timespec
plus_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/*
 * One try at taking it: 1 taken, 0 not (held, or lost a race to
 * another node), -1 a database failure.  A connection lost on the
 * UPDATE leaves its outcome unknown: it is run once more on a new one,
 * which is safe since a row already this holder's matches again.
 */
static int
take_once(struct lease *l, struct timespec *sent)
{
	static const char make[] = "INSERT IGNORE INTO leases (name) "
	    "VALUES (?)";
	static const char take[] = "UPDATE leases SET holder = ?, "
	    "server = " SERVER ", conn = CONNECTION_ID(), "
	    "expires_at = NOW(3) + INTERVAL ? SECOND, taken_at = NOW(3) "
	    "WHERE name = ? AND (expires_at < NOW(3) OR holder = ? OR "
	    "(server = " SERVER " AND conn NOT IN "
	    "(SELECT ID FROM information_schema.PROCESSLIST)))";
	struct db *d = &l->db;

	if (db_exec(d, NULL, NULL, make, "s", l->name) != 0 &&
	    !db_retry(d) && !db_down(d))
		return -1;
	for (int i = 0; i < 2; i++) {
		mono_now(sent);
		if (db_exec(d, NULL, NULL, take, "siss", l->holder,
		    (long long)LEASE_LIFE, l->name, l->holder) == 0)
			return d->affected == 1;
		if (db_retry(d))
			return 0;	/* another node won at certification */
		if (!db_down(d))
			return -1;
	}
	return -1;
}

/* Renews the lease while it runs; gives it up for lost when the row is
 * no longer this connection's. */
static void *
renew_main(void *arg)
{
	static const char renew[] = "UPDATE leases SET "
	    "expires_at = NOW(3) + INTERVAL ? SECOND WHERE name = ? AND "
	    "holder = ? AND server = " SERVER " AND conn = CONNECTION_ID() "
	    "AND expires_at >= NOW(3)";
	struct lease *l = arg;
	struct timespec next, sent, now;

	db_thread_start();
	pthread_mutex_lock(&l->mu);
	next = plus_ms(l->until, (LEASE_RENEW - LEASE_LIFE + LEASE_MARGIN) *
	    1000L);
	while (!l->stop && !l->lost) {
		int rc;

		pthread_cond_timedwait(&l->cv, &l->mu, &next);
		mono_now(&now);
		if (l->stop)
			break;
		if (before(&now, &next))
			continue;
		pthread_mutex_unlock(&l->mu);
		mono_now(&sent);
		rc = db_exec(&l->db, NULL, NULL, renew, "iss",
		    (long long)LEASE_LIFE, l->name, l->holder);
		pthread_mutex_lock(&l->mu);
		if (rc == 0 && l->db.affected == 1) {
			l->until = plus_ms(sent, (LEASE_LIFE - LEASE_MARGIN) *
			    1000L);
			next = plus_ms(sent, LEASE_RENEW * 1000L);
		} else if (rc == 0 || db_down(&l->db)) {
			/* Taken over, or its connection (the one the row
			 * names) is gone. */
			l->lost = 1;
		} else
			next = plus_ms(sent, 1000);
	}
	pthread_mutex_unlock(&l->mu);
	db_thread_end();
	return NULL;
}

int
lease_take(struct lease *l, const struct config *cfg, const char *name,
    int wait, char *errmsg, size_t errlen)
{
	struct timespec sent, end, now;
	pthread_condattr_t ca;
	char host[64] = "";
	unsigned r = 0;
	int got;

	memset(l, 0, sizeof(*l));
	db_init(&l->db, cfg, 1);
	snprintf(l->name, sizeof(l->name), "%s", name);
	gethostname(host, sizeof(host) - 1);
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (unsigned)time(NULL);
	snprintf(l->holder, sizeof(l->holder), "%s:%ld:%08x", host,
	    (long)getpid(), r);
	mono_now(&end);
	end = plus_ms(end, wait * 1000L);
	for (;;) {
		if ((got = take_once(l, &sent)) != 0)
			break;
		mono_now(&now);
		if (!before(&now, &end))
			break;
		/* Polling changes no row: nothing replicates. */
		usleep(200000 + (unsigned)(rand_r(&r) % 200000));
	}
	if (got <= 0) {
		if (got < 0)
			snprintf(errmsg, errlen, "%s", l->db.errmsg);
		db_close(&l->db);
		return got;
	}
	l->until = plus_ms(sent, (LEASE_LIFE - LEASE_MARGIN) * 1000L);
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&l->thread, NULL, renew_main, l) != 0) {
		snprintf(errmsg, errlen, "cannot start a thread");
		lease_release(l);
		return -1;
	}
	l->running = 1;
	return 1;
}

int
lease_held(struct lease *l)
{
	struct timespec now;
	int held;

	mono_now(&now);
	pthread_mutex_lock(&l->mu);
	held = !l->lost && before(&now, &l->until);
	pthread_mutex_unlock(&l->mu);
	return held;
}

void
lease_release(struct lease *l)
{
	static const char give[] = "UPDATE leases SET "
	    "expires_at = '2000-01-01' WHERE name = ? AND holder = ?";

	if (l->running) {
		pthread_mutex_lock(&l->mu);
		l->stop = 1;
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thread, NULL);
		l->running = 0;
	}
	db_exec(&l->db, NULL, NULL, give, "ss", l->name, l->holder);
	db_close(&l->db);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
}
