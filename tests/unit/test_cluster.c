/*
 * Unit tests for lib/cluster.c's pure part: a node's fields from its
 * wsrep status, which nodes serve, commits behind, a degraded cluster,
 * the node a backup is taken from, and the JSON of it all; and a probe
 * of nodes that refuse, bounded in time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cluster.h"

/* A synced Galera node of a cluster of size, at seqno. */
static void
galera(struct cluster_node *n, const char *name, long long size,
    const char *seqno)
{
	char s[32];

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->up = n->galera = 1;
	n->state = -1;
	cluster_node_set(n, "wsrep_local_state", "4");
	cluster_node_set(n, "wsrep_local_state_comment", "Synced");
	cluster_node_set(n, "wsrep_cluster_status", "Primary");
	cluster_node_set(n, "wsrep_ready", "ON");
	cluster_node_set(n, "wsrep_connected", "ON");
	snprintf(s, sizeof(s), "%lld", size);
	cluster_node_set(n, "wsrep_cluster_size", s);
	cluster_node_set(n, "wsrep_cluster_state_uuid",
	    "13edc27a-f248-11f1-83ff-a25e90161d8f");
	cluster_node_set(n, "wsrep_last_committed", seqno);
}

static void
status_fields(void **state)
{
	struct cluster_node n;

	(void)state;
	galera(&n, "db1:3306", 3, "85");
	cluster_node_set(&n, "wsrep_flow_control_paused", "0.25");
	cluster_node_set(&n, "wsrep_flow_control_paused_ns", "1500000000");
	cluster_node_set(&n, "wsrep_flow_control_sent", "7");
	cluster_node_set(&n, "wsrep_flow_control_recv", "9");
	cluster_node_set(&n, "wsrep_local_recv_queue", "12");
	cluster_node_set(&n, "wsrep_local_send_queue", "3");
	cluster_node_set(&n, "wsrep_some_other", "x");
	assert_int_equal(n.state, 4);
	assert_string_equal(n.state_comment, "Synced");
	assert_true(n.primary && n.ready && n.connected);
	assert_int_equal(n.cluster_size, 3);
	assert_int_equal(n.last_committed, 85);
	assert_true(n.fc_paused > 0.24 && n.fc_paused < 0.26);
	assert_int_equal(n.fc_paused_ns, 1500000000LL);
	assert_int_equal(n.fc_sent, 7);
	assert_int_equal(n.fc_recv, 9);
	assert_int_equal(n.recv_queue, 12);
	assert_int_equal(n.send_queue, 3);
	assert_true(cluster_serves(&n));
	/* Each of these alone stops it serving. */
	cluster_node_set(&n, "wsrep_cluster_status", "non-Primary");
	assert_false(cluster_serves(&n));
	cluster_node_set(&n, "wsrep_cluster_status", "Primary");
	cluster_node_set(&n, "wsrep_local_state", "2");
	assert_false(cluster_serves(&n));
	cluster_node_set(&n, "wsrep_local_state", "4");
	cluster_node_set(&n, "wsrep_ready", "OFF");
	assert_false(cluster_serves(&n));
	cluster_node_set(&n, "wsrep_ready", "ON");
	n.up = 0;
	assert_false(cluster_serves(&n));
	/* A plain server serves when it answers. */
	memset(&n, 0, sizeof(n));
	n.up = 1;
	assert_true(cluster_serves(&n));
}

static void
a_cluster_with_a_node_down(void **state)
{
	struct cluster c;
	json_object *o, *nodes, *x;

	(void)state;
	memset(&c, 0, sizeof(c));
	galera(&c.node[0], "db1:3306", 2, "120");
	galera(&c.node[1], "db2:3306", 2, "117");
	snprintf(c.node[2].name, sizeof(c.node[2].name), "db3:3306");
	snprintf(c.node[2].error, sizeof(c.node[2].error), "refused");
	c.n = 3;
	cluster_finish(&c);
	assert_true(c.ok);
	assert_true(c.degraded);
	assert_int_equal(c.serving, 2);
	assert_int_equal(c.node[0].lag, 0);
	assert_int_equal(c.node[1].lag, 3);
	assert_int_equal(c.node[2].lag, -1);
	/* The last that serves. */
	assert_int_equal(cluster_backup_node(&c), 1);
	o = cluster_json(&c);
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "status")), "degraded");
	nodes = json_object_object_get(o, "nodes");
	assert_int_equal(json_object_array_length(nodes), 3);
	x = json_object_array_get_idx(nodes, 1);
	assert_int_equal(json_object_get_int(json_object_object_get(x,
	    "commits_behind")), 3);
	assert_string_equal(json_object_get_string(json_object_object_get(x,
	    "local_state_comment")), "Synced");
	x = json_object_array_get_idx(nodes, 2);
	assert_false(json_object_get_boolean(json_object_object_get(x, "up")));
	assert_string_equal(json_object_get_string(json_object_object_get(x,
	    "error")), "refused");
	json_object_put(o);

	/* All three back, synced: ok. */
	galera(&c.node[0], "db1:3306", 3, "120");
	galera(&c.node[1], "db2:3306", 3, "120");
	galera(&c.node[2], "db3:3306", 3, "120");
	cluster_finish(&c);
	assert_true(c.ok);
	assert_false(c.degraded);
	assert_int_equal(cluster_backup_node(&c), 2);
	/* A node left alone, non-Primary, and the others gone: failing. */
	cluster_node_set(&c.node[0], "wsrep_cluster_status", "non-Primary");
	cluster_node_set(&c.node[0], "wsrep_local_state", "0");
	c.node[1].up = c.node[2].up = 0;
	cluster_finish(&c);
	assert_false(c.ok);
	assert_int_equal(cluster_backup_node(&c), -1);
	o = cluster_json(&c);
	assert_string_equal(json_object_get_string(json_object_object_get(o,
	    "status")), "failing");
	json_object_put(o);
}

static void
a_single_plain_server(void **state)
{
	struct cluster c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.node[0].up = 1;
	c.n = 1;
	cluster_finish(&c);
	assert_true(c.ok);
	assert_false(c.degraded);
	assert_int_equal(c.node[0].lag, -1);
	assert_int_equal(cluster_backup_node(&c), 0);
}

static void
a_probe_of_refusing_nodes_is_prompt(void **state)
{
	struct config cfg;
	struct cluster c;
	struct timespec t0, t1;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.db_port = 3306;
	strcpy(cfg.db_nodes, "127.0.0.1:1, /nonexistent/mariadb.sock");
	strcpy(cfg.db_user, "nobody");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cluster_probe(&cfg, 0, &c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec <= 1);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.node[0].name, "127.0.0.1:1");
	assert_string_equal(c.node[1].name, "/nonexistent/mariadb.sock");
	assert_false(c.node[0].up);
	assert_false(c.node[1].up);
	assert_true(strlen(c.node[0].error) > 0);
	assert_false(c.ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_fields),
		cmocka_unit_test(a_cluster_with_a_node_down),
		cmocka_unit_test(a_single_plain_server),
		cmocka_unit_test(a_probe_of_refusing_nodes_is_prompt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
