/*
 * health.c - what /healthz and /metrics say of a stack (see health.h).
 */
#include "health.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sock.h"

static void
workers(const struct config *cfg, struct health *h)
{
	char pattern[1100];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/web-*.sock", cfg->socket_dir);
	memset(&g, 0, sizeof(g));
	glob(pattern, 0, NULL, &g);
	snprintf(pattern, sizeof(pattern), "%s/live.sock", cfg->socket_dir);
	glob(pattern, GLOB_APPEND | GLOB_NOCHECK, NULL, &g);
	for (size_t i = 0; i < g.gl_pathc && h->nworkers < HEALTH_WORKERS;
	    i++) {
		const char *base = strrchr(g.gl_pathv[i], '/');
		size_t n;

		base = base ? base + 1 : g.gl_pathv[i];
		n = strcspn(base, ".");
		snprintf(h->worker[h->nworkers].name,
		    sizeof(h->worker[0].name), "%.*s", (int)n, base);
		h->worker[h->nworkers++].up = sock_alive(g.gl_pathv[i]);
	}
	globfree(&g);
}

void
health_read(struct db *d, struct arena *a, const struct config *cfg,
    struct health *h)
{
	static const char runs[] = "SELECT "
	    "(SELECT TIMESTAMPDIFF(SECOND, MAX(started_at), NOW(3)) "
	    "FROM fetch_runs), "
	    "(SELECT duration_ms FROM fetch_runs ORDER BY started_at DESC, "
	    "id DESC LIMIT 1), "
	    "(SELECT TIMESTAMPDIFF(SECOND, MAX(started_at), NOW(3)) "
	    "FROM valuation_runs), "
	    "(SELECT duration_ms FROM valuation_runs ORDER BY started_at DESC, "
	    "id DESC LIMIT 1)";
	static const char sources[] = "SELECT source, errors, failing_runs, "
	    "COALESCE(TIMESTAMPDIFF(SECOND, last_success_at, NOW()), -1) "
	    "FROM feed_health ORDER BY source";
	struct timespec t0;
	struct dbres r, s;

	memset(h, 0, sizeof(*h));
	h->fetch_age = h->fetch_ms = h->val_age = h->val_ms = -1;
	workers(cfg, h);
	cluster_read(cfg, &h->cluster);
	/* No node serves: the database is down, without waiting for a
	 * connection to find so. */
	if (!h->cluster.ok)
		return;
	/* To connect, the first node seen serving rather than one that
	 * is down or stalled and would hold the answer up. */
	if (d->conn == NULL && h->cluster.n > 0 &&
	    !cluster_serves(&h->cluster.node[d->node % h->cluster.n]))
		for (size_t i = 0; i < h->cluster.n; i++)
			if (cluster_serves(&h->cluster.node[i])) {
				d->node = i;
				break;
			}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_exec(d, a, &r, runs, "") != 0 || r.nrows != 1)
		return;
	h->db_micros = cluster_micros_since(&t0);
	h->db_up = 1;
#define OR(c) (db_val(&r, 0, c) ? db_int(&r, 0, c) : -1)
	h->fetch_age = OR(0), h->fetch_ms = OR(1);
	h->val_age = OR(2), h->val_ms = OR(3);
#undef OR
	if (db_exec(d, a, &s, sources, "") != 0)
		return;
	h->src = arena_alloc(a, (s.nrows + 1) * sizeof(*h->src));
	for (size_t i = 0; i < s.nrows; i++) {
		h->src[i].name = db_val(&s, i, 0);
		h->src[i].errors = db_int(&s, i, 1);
		h->src[i].failing_runs = db_int(&s, i, 2);
		h->src[i].success_age = db_int(&s, i, 3);
	}
	h->nsrc = s.nrows;
}
