/*
 * GET /metrics - the stack in Prometheus's text format (from this host,
 * or an admin): requests by route and status and their durations, as
 * every page worker counted them (metrics.h); open live streams,
 * database connections and requests in progress; the page workers'
 * threads, how their pools grew and shrank and how long connections
 * waited for a thread (pool.c); the last fetch and
 * valuation runs, how long they took and how long ago; each price
 * source's errors; the workers up; each database node (db_nodes): up,
 * serving, and for a Galera node its state, component, cluster size,
 * flow control and replication queues (a reading at most a second old,
 * see cluster.h).
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

/* A label's value, escaped as the text format asks. */
static void
label(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\'), buf_putc(b, *s);
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
}

/* The series of each database node, one family after the other; the
 * Galera ones for the nodes that answered with wsrep on. */
enum node_family {
	NF_UP, NF_SERVING, NF_PROBE, NF_STATE, NF_PRIMARY, NF_READY,
	NF_CONNECTED, NF_SIZE, NF_FC_PAUSED, NF_FC_PAUSED_NS, NF_FC_SENT,
	NF_FC_RECV, NF_RECV_QUEUE, NF_SEND_QUEUE, NF_COMMITTED, NF_BEHIND,
	NF__MAX
};

static const struct {
	const char *name, *type, *help;
	int galera;
} node_families[NF__MAX] = {
	[NF_UP] = { "nestegg_db_node_up", "gauge", "1 when the database "
	    "node answers.", 0 },
	[NF_SERVING] = { "nestegg_db_node_serving", "gauge", "1 when the "
	    "node serves: a plain server, or a Galera node synced and "
	    "ready in a Primary component.", 0 },
	[NF_PROBE] = { "nestegg_db_node_probe_seconds", "gauge", "How long "
	    "the node's probe took.", 0 },
	[NF_STATE] = { "nestegg_galera_local_state", "gauge",
	    "wsrep_local_state: 4 synced, 2 donor, 1 joining, 3 joined.", 1 },
	[NF_PRIMARY] = { "nestegg_galera_primary", "gauge", "1 when the "
	    "node is in a Primary component (wsrep_cluster_status).", 1 },
	[NF_READY] = { "nestegg_galera_ready", "gauge", "wsrep_ready.", 1 },
	[NF_CONNECTED] = { "nestegg_galera_connected", "gauge",
	    "wsrep_connected.", 1 },
	[NF_SIZE] = { "nestegg_galera_cluster_size", "gauge", "Nodes in the "
	    "cluster, as the node sees it.", 1 },
	[NF_FC_PAUSED] = { "nestegg_galera_flow_control_paused", "gauge",
	    "Fraction of time replication was paused by flow control "
	    "(wsrep_flow_control_paused).", 1 },
	[NF_FC_PAUSED_NS] = {
	    "nestegg_galera_flow_control_paused_seconds_total", "counter",
	    "Time replication was paused by flow control.", 1 },
	[NF_FC_SENT] = { "nestegg_galera_flow_control_sent_total", "counter",
	    "Flow control pauses the node asked for.", 1 },
	[NF_FC_RECV] = { "nestegg_galera_flow_control_recv_total", "counter",
	    "Flow control pauses the node received.", 1 },
	[NF_RECV_QUEUE] = { "nestegg_galera_recv_queue", "gauge", "Write "
	    "sets received, not yet applied (wsrep_local_recv_queue).", 1 },
	[NF_SEND_QUEUE] = { "nestegg_galera_send_queue", "gauge", "Write "
	    "sets waiting to be sent (wsrep_local_send_queue).", 1 },
	[NF_COMMITTED] = { "nestegg_galera_last_committed", "gauge", "The "
	    "node's last committed seqno.", 1 },
	[NF_BEHIND] = { "nestegg_galera_commits_behind", "gauge", "Commits "
	    "behind the most advanced node of its cluster seen in this "
	    "probe.", 1 },
};

/* The value of family f for n into out; 0, or -1 for none. */
static int
node_value(const struct cluster_node *n, enum node_family f, char *out,
    size_t len)
{
	long long v;

	switch (f) {
	case NF_UP: v = n->up; break;
	case NF_SERVING: v = cluster_serves(n); break;
	case NF_PROBE:
		snprintf(out, len, "%.6f", n->micros / 1e6);
		return 0;
	case NF_STATE: v = n->state; break;
	case NF_PRIMARY: v = n->primary; break;
	case NF_READY: v = n->ready; break;
	case NF_CONNECTED: v = n->connected; break;
	case NF_SIZE: v = n->cluster_size; break;
	case NF_FC_PAUSED:
		snprintf(out, len, "%.6f", n->fc_paused);
		return 0;
	case NF_FC_PAUSED_NS:
		if (n->fc_paused_ns < 0)
			return -1;
		snprintf(out, len, "%.9f", n->fc_paused_ns / 1e9);
		return 0;
	case NF_FC_SENT: v = n->fc_sent; break;
	case NF_FC_RECV: v = n->fc_recv; break;
	case NF_RECV_QUEUE: v = n->recv_queue; break;
	case NF_SEND_QUEUE: v = n->send_queue; break;
	case NF_COMMITTED: v = n->last_committed; break;
	case NF_BEHIND:
		if (n->lag < 0)
			return -1;
		v = n->lag;
		break;
	default:
		return -1;
	}
	snprintf(out, len, "%lld", v);
	return 0;
}

static void
db_nodes(struct buf *b, const struct cluster *c)
{
	buf_printf(b, "# HELP nestegg_db_nodes Database nodes listed "
	    "(db_nodes).\n# TYPE nestegg_db_nodes gauge\nnestegg_db_nodes "
	    "%zu\n", c->n);
	buf_printf(b, "# HELP nestegg_db_nodes_serving Database nodes that "
	    "serve.\n# TYPE nestegg_db_nodes_serving gauge\n"
	    "nestegg_db_nodes_serving %zu\n", c->serving);
	for (enum node_family k = 0; k < NF__MAX; k++) {
		buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n",
		    node_families[k].name, node_families[k].help,
		    node_families[k].name, node_families[k].type);
		for (size_t i = 0; i < c->n; i++) {
			const struct cluster_node *n = &c->node[i];
			char v[64];

			if ((node_families[k].galera && !(n->up && n->galera))
			    || node_value(n, k, v, sizeof(v)) != 0)
				continue;
			buf_printf(b, "%s{node=\"", node_families[k].name);
			label(b, n->name);
			buf_printf(b, "\"} %s\n", v);
		}
	}
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
		buf_printf(b, "# HELP nestegg_db_retries_total Transactions "
		    "run again after a deadlock or a cluster conflict.\n"
		    "# TYPE nestegg_db_retries_total counter\n"
		    "nestegg_db_retries_total %lu\n", m->db_retries);
		buf_printf(b, "# HELP nestegg_web_threads_grown_total Threads "
		    "the page workers added because connections waited.\n"
		    "# TYPE nestegg_web_threads_grown_total counter\n"
		    "nestegg_web_threads_grown_total %lu\n"
		    "# HELP nestegg_web_threads_retired_total Threads that "
		    "ended, not needed for threads_idle seconds.\n"
		    "# TYPE nestegg_web_threads_retired_total counter\n"
		    "nestegg_web_threads_retired_total %lu\n"
		    "# HELP nestegg_web_queue_seconds_total Time connections "
		    "waited with every thread of their worker busy.\n"
		    "# TYPE nestegg_web_queue_seconds_total counter\n"
		    "nestegg_web_queue_seconds_total %.3f\n",
		    m->counter[COUNTER_THREADS_GROWN],
		    m->counter[COUNTER_THREADS_RETIRED],
		    m->counter[COUNTER_QUEUE_MS] / 1000.0);
	}
	gauge(b, "nestegg_live_streams", "Open /live streams.",
	    (double)metrics_gauge_value(GAUGE_LIVE_STREAMS));
	gauge(b, "nestegg_db_connections", "Open database connections of "
	    "the workers (one per thread at most).",
	    (double)metrics_gauge_value(GAUGE_DB_CONNECTIONS));
	gauge(b, "nestegg_http_requests_in_progress", "Requests being "
	    "served now.", (double)metrics_gauge_value(GAUGE_REQUESTS));
	gauge(b, "nestegg_web_threads", "Page worker threads.",
	    (double)metrics_gauge_value(GAUGE_THREADS));
	gauge(b, "nestegg_web_threads_busy", "Page worker threads holding a "
	    "connection.", (double)metrics_gauge_value(GAUGE_THREADS_BUSY));
	gauge(b, "nestegg_web_threads_max", "The most threads the page "
	    "workers may run.", (double)metrics_gauge_value(GAUGE_THREADS_MAX));
	gauge(b, "nestegg_db_up", "1 when this worker's database connection "
	    "answers.", h.db_up);
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
	db_nodes(b, &h.cluster);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	r->rendered = 1;
	return 200;
}
