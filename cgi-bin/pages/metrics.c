/*
 * GET /metrics - the stack in Prometheus's text format (from this host,
 * or an admin): requests by route and status and their durations, as
 * every page worker counted them (metrics.h); open live streams,
 * database connections and requests in progress; the last fetch and
 * valuation runs, how long they took and how long ago; each price
 * source's errors; the workers up.
 */
#include <stdio.h>

#include "health.h"
#include "metrics.h"
#include "web.h"

/* A route's label: its pattern, or "other" for the last index. */
static const char *
route_label(size_t i)
{
	return i < routes_len ? routes[i].pattern : "other";
}

static void
requests(struct buf *b, const struct metrics *m)
{
	buf_puts(b, "# HELP nestegg_http_requests_total Requests answered, "
	    "by route and status.\n"
	    "# TYPE nestegg_http_requests_total counter\n");
	for (size_t i = 0; i < METRICS_ROUTES; i++)
		for (size_t s = 0; s < METRICS_STATUSES; s++) {
			char status[16] = "other";

			if (m->requests[i][s] == 0)
				continue;
			if (metrics_status[s])
				snprintf(status, sizeof(status), "%d",
				    metrics_status[s]);
			buf_printf(b, "nestegg_http_requests_total{route=\"%s\","
			    "status=\"%s\"} %lu\n", route_label(i), status,
			    m->requests[i][s]);
		}
	buf_puts(b, "# HELP nestegg_http_request_duration_seconds How long "
	    "requests took, by route.\n"
	    "# TYPE nestegg_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < METRICS_ROUTES; i++) {
		unsigned long n = 0;

		for (size_t k = 0; k < METRICS_BUCKETS; k++)
			n += m->bucket[i][k];
		if (n == 0)
			continue;
		n = 0;
		for (size_t k = 0; k < METRICS_BUCKETS; k++) {
			n += m->bucket[i][k];
			if (metrics_bucket_ms[k])
				buf_printf(b, "nestegg_http_request_duration_"
				    "seconds_bucket{route=\"%s\",le=\"%g\"} "
				    "%lu\n", route_label(i),
				    metrics_bucket_ms[k] / 1000.0, n);
			else
				buf_printf(b, "nestegg_http_request_duration_"
				    "seconds_bucket{route=\"%s\",le=\"+Inf\"} "
				    "%lu\n", route_label(i), n);
		}
		buf_printf(b, "nestegg_http_request_duration_seconds_sum{"
		    "route=\"%s\"} %.6f\n", route_label(i), m->micros[i] / 1e6);
		buf_printf(b, "nestegg_http_request_duration_seconds_count{"
		    "route=\"%s\"} %lu\n", route_label(i), n);
	}
}

static void
gauge(struct buf *b, const char *name, const char *help, double v)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %.10g\n", name, help,
	    name, name, v);
}

int
page_metrics(struct req *r)
{
	const struct metrics *m = metrics_get();
	struct buf *b = &r->out;
	struct health h;

	health_read(r->db, r->a, r->cfg, &h);
	buf_reset(b);
	if (m != NULL) {
		requests(b, m);
		buf_printf(b, "# HELP nestegg_db_errors_total Database calls "
		    "that found the server unreachable.\n"
		    "# TYPE nestegg_db_errors_total counter\n"
		    "nestegg_db_errors_total %lu\n", m->db_errors);
	}
	gauge(b, "nestegg_live_streams", "Open /live streams.",
	    (double)metrics_gauge_value(GAUGE_LIVE_STREAMS));
	gauge(b, "nestegg_db_connections", "Open database connections of "
	    "the workers (one per thread at most).",
	    (double)metrics_gauge_value(GAUGE_DB_CONNECTIONS));
	gauge(b, "nestegg_http_requests_in_progress", "Requests being "
	    "served now.", (double)metrics_gauge_value(GAUGE_REQUESTS));
	gauge(b, "nestegg_db_up", "1 when the database answers.", h.db_up);
	gauge(b, "nestegg_db_query_seconds", "The round trip of this "
	    "scrape's query.", h.db_micros / 1e6);
	if (h.fetch_age >= 0) {
		gauge(b, "nestegg_fetch_last_age_seconds", "Seconds since the "
		    "last fetch run started.", (double)h.fetch_age);
		gauge(b, "nestegg_fetch_last_duration_seconds", "How long the "
		    "last fetch run took.", h.fetch_ms / 1000.0);
	}
	if (h.val_age >= 0) {
		gauge(b, "nestegg_valuation_last_age_seconds", "Seconds since "
		    "the last valuation run started.", (double)h.val_age);
		gauge(b, "nestegg_valuation_last_duration_seconds", "How long "
		    "the last valuation run took.", h.val_ms / 1000.0);
	}
	buf_puts(b, "# HELP nestegg_source_errors_total Errors of each price "
	    "source.\n# TYPE nestegg_source_errors_total counter\n");
	for (size_t i = 0; i < h.nsrc; i++)
		buf_printf(b, "nestegg_source_errors_total{source=\"%s\"} "
		    "%lld\n", h.src[i].name, h.src[i].errors);
	buf_puts(b, "# HELP nestegg_source_failing 1 when the source's last "
	    "run failed.\n# TYPE nestegg_source_failing gauge\n");
	for (size_t i = 0; i < h.nsrc; i++)
		buf_printf(b, "nestegg_source_failing{source=\"%s\"} %d\n",
		    h.src[i].name, h.src[i].failing_runs > 0);
	buf_puts(b, "# HELP nestegg_worker_up 1 when the worker accepts "
	    "connections.\n# TYPE nestegg_worker_up gauge\n");
	for (size_t i = 0; i < h.nworkers; i++)
		buf_printf(b, "nestegg_worker_up{worker=\"%s\"} %d\n",
		    h.worker[i].name, h.worker[i].up);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	r->rendered = 1;
	return 200;
}
