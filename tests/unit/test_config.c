/*
 * Unit tests for lib/config.c's database nodes: the list of db_nodes
 * (sockets, hosts, ports, IPv6 in brackets), and the one node of
 * db_socket or db_host:db_port without it; the page worker's threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static void
one_node_without_a_list(void **state)
{
	struct config c;
	struct db_node n;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.db_socket, "/var/run/mysqld/mysqld.sock");
	strcpy(c.db_host, "localhost");
	c.db_port = 3306;
	assert_int_equal(config_db_node(&c, 0, &n), 0);
	assert_string_equal(n.socket, "/var/run/mysqld/mysqld.sock");
	assert_int_equal(config_db_node(&c, 1, &n), -1);
}

static void
a_list_of_nodes(void **state)
{
	struct config c;
	struct db_node n;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.db_port = 3306;
	strcpy(c.db_nodes, "db1, 10.0.0.2:3307,[fd00::3]:3308,[::1],"
	    "/run/db4.sock");
	assert_int_equal(config_db_node(&c, 0, &n), 0);
	assert_string_equal(n.host, "db1");
	assert_int_equal(n.port, 3306);
	assert_int_equal(config_db_node(&c, 1, &n), 0);
	assert_string_equal(n.host, "10.0.0.2");
	assert_int_equal(n.port, 3307);
	assert_int_equal(config_db_node(&c, 2, &n), 0);
	assert_string_equal(n.host, "fd00::3");
	assert_int_equal(n.port, 3308);
	assert_int_equal(config_db_node(&c, 3, &n), 0);
	assert_string_equal(n.host, "::1");
	assert_int_equal(n.port, 3306);
	assert_int_equal(config_db_node(&c, 4, &n), 0);
	assert_string_equal(n.socket, "/run/db4.sock");
	assert_string_equal(n.host, "");
	assert_int_equal(config_db_node(&c, 5, &n), -1);
}

static void
nodes_that_cannot_be(void **state)
{
	static const char *const bad[] = { "db1:0", "db1:65536", "db1:x",
	    "db1:", "[::1", ",", " ", ":3306" };
	struct config c;
	struct db_node n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.db_port = 3306;
		strcpy(c.db_nodes, bad[i]);
		assert_int_equal(config_db_node(&c, 0, &n), -1);
	}
}

/* Loads the settings from the environment alone. */
static int
load(struct config *c)
{
	char err[256];

	setenv("NESTEGG_CONF", "/dev/null", 1);
	return config_load(c, err, sizeof(err));
}

static void
thread_settings(void **state)
{
	struct config c;

	(void)state;
	unsetenv("NESTEGG_THREADS");
	assert_int_equal(load(&c), 0);
	assert_int_equal(c.threads, 0);		/* a pool, by default */
	assert_int_equal(c.threads_min, 4);
	assert_int_equal(c.threads_max, 16);
	assert_int_equal(c.threads_idle, 10);
	setenv("NESTEGG_THREADS_MAX", "3", 1);	/* below the minimum */
	assert_int_equal(load(&c), -1);
	setenv("NESTEGG_THREADS_MIN", "0", 1);
	assert_int_equal(load(&c), -1);
	setenv("NESTEGG_THREADS_MIN", "1", 1);
	assert_int_equal(load(&c), 0);
	setenv("NESTEGG_THREADS", "2000", 1);
	assert_int_equal(load(&c), -1);
	setenv("NESTEGG_THREADS", "8", 1);
	assert_int_equal(load(&c), 0);
	assert_int_equal(c.threads, 8);
	setenv("NESTEGG_THREADS_IDLE", "0", 1);
	assert_int_equal(load(&c), -1);
	unsetenv("NESTEGG_THREADS");
	unsetenv("NESTEGG_THREADS_MIN");
	unsetenv("NESTEGG_THREADS_MAX");
	unsetenv("NESTEGG_THREADS_IDLE");
	unsetenv("NESTEGG_CONF");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_node_without_a_list),
		cmocka_unit_test(a_list_of_nodes),
		cmocka_unit_test(nodes_that_cannot_be),
		cmocka_unit_test(thread_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
