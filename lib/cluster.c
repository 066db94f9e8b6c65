/*
 * cluster.c - the state of each database node (see cluster.h).
 */
#include "cluster.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#define PROBE_TIMEOUT 1		/* seconds: connect, read, write */

int
cluster_serves(const struct cluster_node *n)
{
	return n->up && (!n->galera || (n->state == 4 && n->primary &&
	    n->ready));
}

static long long
num(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

static int
on(const char *v)
{
	return v && strcmp(v, "ON") == 0;
}

void
cluster_node_set(struct cluster_node *n, const char *name, const char *value)
{
	if (strcmp(name, "wsrep_local_state") == 0)
		n->state = (int)num(value);
	else if (strcmp(name, "wsrep_local_state_comment") == 0)
		snprintf(n->state_comment, sizeof(n->state_comment), "%s",
		    value ? value : "");
	else if (strcmp(name, "wsrep_cluster_status") == 0)
		n->primary = value && strcmp(value, "Primary") == 0;
	else if (strcmp(name, "wsrep_ready") == 0)
		n->ready = on(value);
	else if (strcmp(name, "wsrep_connected") == 0)
		n->connected = on(value);
	else if (strcmp(name, "wsrep_cluster_size") == 0)
		n->cluster_size = num(value);
	else if (strcmp(name, "wsrep_cluster_state_uuid") == 0)
		snprintf(n->cluster_uuid, sizeof(n->cluster_uuid), "%s",
		    value ? value : "");
	else if (strcmp(name, "wsrep_flow_control_paused") == 0)
		n->fc_paused = value ? strtod(value, NULL) : 0;
	else if (strcmp(name, "wsrep_flow_control_paused_ns") == 0)
		n->fc_paused_ns = num(value);
	else if (strcmp(name, "wsrep_flow_control_sent") == 0)
		n->fc_sent = num(value);
	else if (strcmp(name, "wsrep_flow_control_recv") == 0)
		n->fc_recv = num(value);
	else if (strcmp(name, "wsrep_local_recv_queue") == 0)
		n->recv_queue = num(value);
	else if (strcmp(name, "wsrep_local_send_queue") == 0)
		n->send_queue = num(value);
	else if (strcmp(name, "wsrep_last_committed") == 0)
		n->last_committed = num(value);
}

void
cluster_finish(struct cluster *c)
{
	c->serving = 0;
	c->degraded = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct cluster_node *n = &c->node[i];
		long long top = -1;

		n->lag = -1;
		if (cluster_serves(n))
			c->serving++;
		else
			c->degraded = 1;
		if (n->up && n->galera && (size_t)n->cluster_size < c->n)
			c->degraded = 1;
		if (!n->up || !n->galera || !*n->cluster_uuid)
			continue;
		/* Behind the most advanced node of the same history. */
		for (size_t k = 0; k < c->n; k++)
			if (c->node[k].up && c->node[k].galera &&
			    strcmp(c->node[k].cluster_uuid, n->cluster_uuid) ==
			    0 && c->node[k].last_committed > top)
				top = c->node[k].last_committed;
		n->lag = top - n->last_committed;
	}
	c->ok = c->serving > 0;
}

int
cluster_backup_node(const struct cluster *c)
{
	for (size_t i = c->n; i-- > 0;)
		if (cluster_serves(&c->node[i]))
			return (int)i;
	return -1;
}

/* Reads n's state on m (connected); 0, or -1 with n->error. */
static int
read_state(MYSQL *m, struct cluster_node *n)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	/* lint: trusted text (a literal, on a probe's own connection) */
	if (mysql_query(m, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'") != 0 ||
	    (res = mysql_store_result(m)) == NULL)
		goto fail;
	if ((row = mysql_fetch_row(res)) != NULL)
		n->galera = on(row[1]);
	mysql_free_result(res);
	if (!n->galera)
		return 0;
	/* lint: trusted text (a literal, on a probe's own connection) */
	if (mysql_query(m, "SHOW GLOBAL STATUS LIKE 'wsrep%'") != 0 ||
	    (res = mysql_store_result(m)) == NULL)
		goto fail;
	while ((row = mysql_fetch_row(res)) != NULL)
		if (row[0] != NULL)
			cluster_node_set(n, row[0], row[1]);
	mysql_free_result(res);
	return 0;
fail:
	snprintf(n->error, sizeof(n->error), "%s", mysql_error(m));
	return -1;
}

long long
cluster_micros_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000LL +
	    (t.tv_nsec - t0->tv_nsec) / 1000;
}

/* Probes one node into n (its name already set). */
static void
probe_node(const struct db_node *node, const char *user, const char *pw,
    struct cluster_node *n)
{
	unsigned int t = PROBE_TIMEOUT;
	struct timespec t0;
	MYSQL *m;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((m = mysql_init(NULL)) == NULL) {
		snprintf(n->error, sizeof(n->error), "out of memory");
		return;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
	if (mysql_real_connect(m, *node->socket ? NULL : node->host, user,
	    *pw ? pw : NULL, NULL, (unsigned)node->port,
	    *node->socket ? node->socket : NULL, 0) == NULL)
		snprintf(n->error, sizeof(n->error), "%s", mysql_error(m));
	else if (read_state(m, n) == 0)
		n->up = 1;
	mysql_close(m);
	n->micros = cluster_micros_since(&t0);
}

/* One probe, shared by its threads and its caller; freed by the last
 * of them to let go (the caller may stop waiting first). */
struct probe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending, refs;
	char user[64], pw[128];
	struct db_node node[CLUSTER_NODES];
	struct cluster_node out[CLUSTER_NODES];
	int done[CLUSTER_NODES];
};

struct probe_arg {
	struct probe *p;
	size_t i;
};

static void
probe_release(struct probe *p)
{
	int last;

	pthread_mutex_lock(&p->mu);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->mu);
	if (last) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		free(p);
	}
}

static void *
probe_thread(void *arg)
{
	struct probe_arg *a = arg;
	struct probe *p = a->p;
	size_t i = a->i;
	struct cluster_node n;

	free(a);
	mysql_thread_init();
	pthread_mutex_lock(&p->mu);
	n = p->out[i];
	pthread_mutex_unlock(&p->mu);
	probe_node(&p->node[i], p->user, p->pw, &n);
	pthread_mutex_lock(&p->mu);
	p->out[i] = n;
	p->done[i] = 1;
	p->pending--;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	probe_release(p);
	mysql_thread_end();
	return NULL;
}

/* A node's name as db_nodes gives it. */
static void
node_name(const struct db_node *d, char *out, size_t len)
{
	if (*d->socket)
		snprintf(out, len, "%s", d->socket);
	else if (strchr(d->host, ':'))
		snprintf(out, len, "[%s]:%d", d->host, d->port);
	else
		snprintf(out, len, "%s:%d", d->host, d->port);
}

void
cluster_probe(const struct config *cfg, int admin, struct cluster *c)
{
	struct probe *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;
	pthread_attr_t attr;
	struct timespec until;
	struct db_node node;

	memset(c, 0, sizeof(*c));
	while (c->n < CLUSTER_NODES && config_db_node(cfg, c->n, &node) == 0) {
		struct cluster_node *n = &c->node[c->n];

		node_name(&node, n->name, sizeof(n->name));
		n->state = -1;
		n->fc_paused_ns = -1;
		n->lag = -1;
		snprintf(n->error, sizeof(n->error), "no answer within %d ms",
		    CLUSTER_DEADLINE_MS);
		if (p != NULL)
			p->node[c->n] = node;
		c->n++;
	}
	if (p == NULL) {
		for (size_t i = 0; i < c->n; i++)
			snprintf(c->node[i].error, sizeof(c->node[i].error),
			    "out of memory");
		cluster_finish(c);
		return;
	}
	/* Before any thread of ours uses the library (it is most often
	 * initialised already: then this returns at once). */
	mysql_library_init(0, NULL, NULL);
	snprintf(p->user, sizeof(p->user), "%s", admin ? cfg->admin_user :
	    cfg->db_user);
	snprintf(p->pw, sizeof(p->pw), "%s", admin ? cfg->admin_password :
	    cfg->db_password);
	memcpy(p->out, c->node, sizeof(p->out));
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	p->refs = 1;
	for (size_t i = 0; i < c->n; i++) {
		struct probe_arg *a = malloc(sizeof(*a));
		pthread_t t;

		if (a == NULL) {
			snprintf(p->out[i].error, sizeof(p->out[i].error),
			    "out of memory");
			continue;
		}
		a->p = p;
		a->i = i;
		pthread_mutex_lock(&p->mu);
		p->pending++;
		p->refs++;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&t, &attr, probe_thread, a) != 0) {
			free(a);
			pthread_mutex_lock(&p->mu);
			p->pending--;
			p->refs--;
			snprintf(p->out[i].error, sizeof(p->out[i].error),
			    "cannot start a thread");
			pthread_mutex_unlock(&p->mu);
		}
	}
	pthread_attr_destroy(&attr);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += (CLUSTER_DEADLINE_MS % 1000) * 1000000L;
	until.tv_sec += CLUSTER_DEADLINE_MS / 1000 + until.tv_nsec /
	    1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&p->mu);
	while (p->pending > 0 && pthread_cond_timedwait(&p->cv, &p->mu,
	    &until) != ETIMEDOUT)
		;
	/* A node still being probed keeps its "no answer" and is down. */
	for (size_t i = 0; i < c->n; i++)
		if (p->done[i])
			c->node[i] = p->out[i];
		else
			c->node[i].micros = CLUSTER_DEADLINE_MS * 1000LL;
	pthread_mutex_unlock(&p->mu);
	probe_release(p);
	cluster_finish(c);
}

void
cluster_read(const struct config *cfg, struct cluster *c)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct cluster last;
	static struct timespec at;
	static int have;
	struct timespec now;

	pthread_mutex_lock(&mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!have || (now.tv_sec - at.tv_sec) * 1000LL + (now.tv_nsec -
	    at.tv_nsec) / 1000000 >= 1000) {
		cluster_probe(cfg, 0, &last);
		clock_gettime(CLOCK_MONOTONIC, &at);
		have = 1;
	}
	*c = last;
	pthread_mutex_unlock(&mu);
}

json_object *
cluster_json(const struct cluster *c)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "status", json_object_new_string(!c->ok ?
	    "failing" : c->degraded ? "degraded" : "ok"));
	json_object_object_add(o, "nodes_listed", json_object_new_int64(
	    (long long)c->n));
	json_object_object_add(o, "nodes_serving", json_object_new_int64(
	    (long long)c->serving));
	for (size_t i = 0; i < c->n; i++) {
		const struct cluster_node *n = &c->node[i];
		json_object *x = json_object_new_object();

#define ADD(k, v) json_object_object_add(x, k, v)
		ADD("node", json_object_new_string(n->name));
		ADD("up", json_object_new_boolean(n->up));
		ADD("serving", json_object_new_boolean(cluster_serves(n)));
		ADD("galera", json_object_new_boolean(n->galera));
		if (!n->up)
			ADD("error", json_object_new_string(n->error));
		if (n->up && n->galera) {
			ADD("local_state", json_object_new_int(n->state));
			ADD("local_state_comment", json_object_new_string(
			    n->state_comment));
			ADD("primary", json_object_new_boolean(n->primary));
			ADD("ready", json_object_new_boolean(n->ready));
			ADD("connected", json_object_new_boolean(
			    n->connected));
			ADD("cluster_size", json_object_new_int64(
			    n->cluster_size));
			ADD("cluster_state_uuid", json_object_new_string(
			    n->cluster_uuid));
			ADD("flow_control_paused", json_object_new_double(
			    n->fc_paused));
			ADD("flow_control_sent", json_object_new_int64(
			    n->fc_sent));
			ADD("flow_control_recv", json_object_new_int64(
			    n->fc_recv));
			ADD("recv_queue", json_object_new_int64(
			    n->recv_queue));
			ADD("send_queue", json_object_new_int64(
			    n->send_queue));
			ADD("last_committed", json_object_new_int64(
			    n->last_committed));
			ADD("commits_behind", n->lag < 0 ? NULL :
			    json_object_new_int64(n->lag));
		}
		ADD("probe_ms", json_object_new_int64(n->micros / 1000));
#undef ADD
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "nodes", a);
	return o;
}
