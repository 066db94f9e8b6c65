/*
 * cluster.h - the state of each database node (config db_nodes; with a
 * single server, that one), for /healthz, /metrics, nestegg status and
 * the choice of a node to back up from.
 *
 * A probe opens a connection of its own to every node at once (one
 * thread a node, connect and read timeouts of a second) and reads its
 * Galera status; the whole probe returns within about a second
 * (CLUSTER_DEADLINE_MS) whatever the nodes do: one that refuses, is
 * stopped or unreachable is reported down.  A server with wsrep off is
 * a plain, non-clustered node.
 */
#ifndef NESTEGG_CLUSTER_H
#define NESTEGG_CLUSTER_H

#include <time.h>
#include <json-c/json.h>

#include "config.h"

#define CLUSTER_NODES 16
#define CLUSTER_DEADLINE_MS 1200	/* a whole probe, at most */

struct cluster_node {
	char name[520];		/* as db_nodes names it: "host:port" or a
				   socket's path */
	int up;			/* it answered */
	char error[160];	/* why not, when !up */
	int galera;		/* wsrep on: the fields below are read */
	int state;		/* wsrep_local_state: 4 synced, 2 donor, 1
				   joining, 3 joined; -1 unknown */
	char state_comment[32];	/* wsrep_local_state_comment */
	int primary;		/* wsrep_cluster_status is Primary */
	int ready, connected;	/* wsrep_ready, wsrep_connected are ON */
	long long cluster_size;	/* wsrep_cluster_size */
	char cluster_uuid[40];	/* wsrep_cluster_state_uuid */
	double fc_paused;	/* wsrep_flow_control_paused: a fraction of
				   time, not money */
	long long fc_paused_ns;	/* wsrep_flow_control_paused_ns; -1: none */
	long long fc_sent, fc_recv;	/* flow control messages */
	long long recv_queue, send_queue;	/* wsrep_local_*_queue */
	long long last_committed;	/* wsrep_last_committed */
	long long lag;		/* commits behind the most advanced node of
				   its cluster seen in this probe; -1 */
	long long micros;	/* how long its probe took */
};

struct cluster {
	struct cluster_node node[CLUSTER_NODES];
	size_t n;		/* nodes listed (at most CLUSTER_NODES) */
	size_t serving;		/* of them, those cluster_serves() */
	int ok;			/* at least one serves */
	int degraded;		/* some node listed does not serve, or a
				   Galera node sees a cluster smaller than
				   the list */
};

/*
 * Probes every node of cfg's database at once as the web account (admin:
 * the admin account) and fills c.  Returns within CLUSTER_DEADLINE_MS;
 * may leave threads behind that end on their own within a few seconds.
 */
void cluster_probe(const struct config *cfg, int admin, struct cluster *c);

/* cluster_probe() as the web account, at most once a second for the
 * process: a reading younger than that is copied instead (threads of a
 * process share it).  Fit for /healthz and /metrics, never for what a
 * user is answered. */
void cluster_read(const struct config *cfg, struct cluster *c);

/* 1 when n serves requests: it answered and is a plain server, or a
 * Galera node that is synced (state 4) and ready in a Primary
 * component. */
int cluster_serves(const struct cluster_node *n);

/* Sets n's field named by a wsrep status variable (name as SHOW STATUS
 * gives it) from value; unknown names are ignored. */
void cluster_node_set(struct cluster_node *n, const char *name,
    const char *value);

/* Fills what is derived from c's nodes: each one's lag, c->serving, ok
 * and degraded. */
void cluster_finish(struct cluster *c);

/* The index of the node to back up from: the last in the list that
 * serves (processes start at the first), or -1. */
int cluster_backup_node(const struct cluster *c);

/* c as JSON: {"status": "ok"|"degraded"|"failing", "nodes_listed",
 * "nodes_serving", "nodes": [{...}, ...]}; the caller owns it. */
json_object *cluster_json(const struct cluster *c);

/* Microseconds from t0 (CLOCK_MONOTONIC) to now. */
long long cluster_micros_since(const struct timespec *t0);

#endif
