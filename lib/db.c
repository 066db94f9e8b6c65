/*
 * db.c - MariaDB access through prepared statements (see db.h).
 */
#include "db.h"

#include <ctype.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "metrics.h"

#define DB_MAX_PARAMS 32
#define DB_PING_IDLE 2		/* seconds idle before a ping checks */

struct db_stmt {
	const char *sql;
	MYSQL_STMT *st;
	int readonly;
};

void
db_init(struct db *d, const struct config *cfg, int admin)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->admin = admin;
	d->wsrep = -1;
}

static int is_lost(unsigned err);

static void
set_err(struct db *d, unsigned err, const char *msg)
{
	d->err = err;
	snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : "");
	if (is_lost(err))
		metrics_db_error();
}

static void
drop_conn(struct db *d)
{
	for (size_t i = 0; i < d->nstmts; i++)
		mysql_stmt_close(d->stmts[i].st);
	d->nstmts = 0;
	if (d->conn != NULL) {
		mysql_close(d->conn);
		metrics_gauge(GAUGE_DB_CONNECTIONS, -1);
	}
	d->conn = NULL;
	d->in_tx = 0;
	d->wsrep = -1;
	d->fragment_set = 0;
	d->node++;		/* lost: the next node first */
}

void
db_close(struct db *d)
{
	drop_conn(d);
	free(d->stmts);
	d->stmts = NULL;
}

/* A connection to node, or NULL with d->err set. */
static MYSQL *
connect_node(struct db *d, const struct db_node *node)
{
	const struct config *c = d->cfg;
	MYSQL *m;
	unsigned int timeout = 5;
	unsigned long packet = 64UL << 20;
	const char *user = d->admin ? c->admin_user : c->db_user;
	const char *pw = d->admin ? c->admin_password : c->db_password;

	if ((m = mysql_init(NULL)) == NULL) {
		set_err(d, CR_OUT_OF_MEMORY, "out of memory");
		return NULL;
	}
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (!d->admin && c->db_timeout > 0) {
		/* A stalled server is a prompt 503, not a hung request;
		 * jobs (the admin account) may run long statements. */
		unsigned int io = (unsigned int)c->db_timeout;

		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io);
		mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io);
	}
	/* An import's file travels whole (up to 16 MiB and more). */
	mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
	mysql_options(m, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION'");
	if (mysql_real_connect(m, *node->socket ? NULL : node->host, user,
	    *pw ? pw : NULL, c->db_name, (unsigned)node->port,
	    *node->socket ? node->socket : NULL,
	    d->admin ? CLIENT_MULTI_STATEMENTS : 0) == NULL) {
		set_err(d, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* 1 when m's server is a Galera node that is not synced, else 0. */
static int
unsynced(MYSQL *m)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int bad = 0;

	/* lint: trusted text (a literal, on a connection not yet d's) */
	if (mysql_query(m, "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'") !=
	    0 || (res = mysql_store_result(m)) == NULL)
		return 1;
	if ((row = mysql_fetch_row(res)) != NULL && row[1] != NULL)
		bad = strcmp(row[1], "4") != 0;
	mysql_free_result(res);
	return bad;
}

int
db_connect(struct db *d)
{
	struct db_node node;
	size_t n = 0;
	MYSQL *m = NULL;

	if (d->conn != NULL)
		return 0;
	if (d->stmts == NULL) {
		d->stmts = calloc(DB_STMT_CACHE, sizeof(*d->stmts));
		if (d->stmts == NULL) {
			set_err(d, CR_OUT_OF_MEMORY, "out of memory");
			return -1;
		}
	}
	while (config_db_node(d->cfg, n, &node) == 0)
		n++;
	if (n == 0) {
		set_err(d, CR_UNKNOWN_HOST, "no database node in db_nodes");
		return -1;
	}
	for (size_t k = 0; k < n && m == NULL; k++) {
		size_t i = (d->node + k) % n;

		config_db_node(d->cfg, i, &node);
		if ((m = connect_node(d, &node)) == NULL)
			continue;
		if (n > 1 && unsynced(m)) {
			set_err(d, 1047, "the node is not synced");
			mysql_close(m);
			m = NULL;
			continue;
		}
		d->node = i;
	}
	if (m == NULL)
		return -1;
	d->conn = m;
	d->last_used = time(NULL);
	metrics_gauge(GAUGE_DB_CONNECTIONS, 1);
	return 0;
}

static int
is_lost(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == CR_SERVER_LOST_EXTENDED || e == ER_SERVER_SHUTDOWN ||
	    e == ER_CONNECTION_KILLED || e == CR_COMMANDS_OUT_OF_SYNC;
}

int
db_down(const struct db *d)
{
	return is_lost(d->err) || d->err == ER_CON_COUNT_ERROR;
}

int
db_retry(const struct db *d)
{
	return d->err == ER_LOCK_DEADLOCK || d->err == ER_LOCK_WAIT_TIMEOUT;
}

int
db_again(struct db *d, int *tries)
{
	static __thread unsigned seed;
	struct timespec ts;
	long us;

	if (++*tries >= DB_TRIES || !db_retry(d))
		return 0;
	if (d->in_tx)
		db_rollback(d);		/* a caller that left it open */
	if (seed == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
	}
	us = (1000L << *tries) + rand_r(&seed) % (1000L << *tries);
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	metrics_db_retry();
	return 1;
}

int
db_passing(const struct db *d)
{
	return db_down(d) || db_retry(d) || d->err == 1047 || d->err == 1180;
}

int
db_duplicate(const struct db *d)
{
	return d->err == ER_DUP_ENTRY;
}

int
db_out_of_range(const struct db *d)
{
	return d->err == ER_WARN_DATA_OUT_OF_RANGE ||
	    d->err == ER_DATA_OUT_OF_RANGE;
}

/* Makes sure a live connection exists; pings one that sat idle. */
static int
ensure_conn(struct db *d)
{
	time_t now = time(NULL);

	if (d->conn != NULL && !d->in_tx && now - d->last_used >= DB_PING_IDLE
	    && mysql_ping(d->conn) != 0)
		drop_conn(d);
	if (d->conn == NULL && db_connect(d) != 0)
		return -1;
	d->last_used = now;
	return 0;
}

static struct db_stmt *
stmt_get(struct db *d, const char *sql)
{
	struct db_stmt *s;
	MYSQL_STMT *st;
	my_bool on = 1;

	for (size_t i = 0; i < d->nstmts; i++)
		if (d->stmts[i].sql == sql)
			return &d->stmts[i];
	if ((st = mysql_stmt_init(d->conn)) == NULL) {
		set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		set_err(d, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (d->nstmts == DB_STMT_CACHE) {
		/* Full: drop the oldest; it is re-prepared if used again. */
		mysql_stmt_close(d->stmts[0].st);
		memmove(d->stmts, d->stmts + 1,
		    (DB_STMT_CACHE - 1) * sizeof(*d->stmts));
		d->nstmts--;
	}
	s = &d->stmts[d->nstmts++];
	s->sql = sql;
	s->st = st;
	while (isspace((unsigned char)*sql) || *sql == '(')
		sql++;
	s->readonly = strncasecmp(sql, "SELECT", 6) == 0;
	return s;
}

static int
fetch_rows(struct db *d, MYSQL_STMT *st, struct arena *a, struct dbres *res)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_FIELD *fields;
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls;
	size_t ncols, cap;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (meta == NULL)
		return 0;
	if (mysql_stmt_store_result(st) != 0) {
		set_err(d, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_free_result(meta);
		return -1;
	}
	ncols = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	bind = arena_alloc(a, ncols * sizeof(*bind));
	lens = arena_alloc(a, ncols * sizeof(*lens));
	nulls = arena_alloc(a, ncols * sizeof(*nulls));
	for (size_t c = 0; c < ncols; c++) {
		/* Temporal and numeric columns may print wider than their
		 * stored max_length; leave room. */
		size_t n = fields[c].max_length + 64;

		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = arena_alloc(a, n);
		bind[c].buffer_length = n;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	res->ncols = ncols;
	res->nrows = 0;
	cap = mysql_stmt_num_rows(st);	/* stored: the exact count */
	res->rows = arena_alloc(a, (cap + 1) * sizeof(*res->rows));
	res->lens = arena_alloc(a, (cap + 1) * sizeof(*res->lens));
	if (mysql_stmt_bind_result(st, bind) != 0) {
		set_err(d, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_free_result(meta);
		return -1;
	}
	while (res->nrows < cap && ((rc = mysql_stmt_fetch(st)) == 0 ||
	    rc == MYSQL_DATA_TRUNCATED)) {
		char **row = arena_alloc(a, ncols * sizeof(*row));
		size_t *rl = arena_alloc(a, ncols * sizeof(*rl));

		for (size_t c = 0; c < ncols; c++) {
			size_t n = lens[c];

			if (nulls[c]) {
				row[c] = NULL;
				continue;
			}
			if (n > bind[c].buffer_length) {
				/* Should not happen with max_length, but a
				 * truncated value is never passed on. */
				set_err(d, CR_UNKNOWN_ERROR, "column truncated");
				mysql_stmt_free_result(st);
				mysql_free_result(meta);
				return -1;
			}
			row[c] = arena_strndup(a, bind[c].buffer, n);
			rl[c] = n;
		}
		res->rows[res->nrows] = row;
		res->lens[res->nrows] = rl;
		res->nrows++;
	}
	mysql_stmt_free_result(st);
	mysql_free_result(meta);
	if (rc == 1) {
		set_err(d, mysql_stmt_errno(st), mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

/* Runs sql once.  The rows go to res when it is not NULL; else, when
 * kept is not NULL, they stay on the server to be fetched through
 * *kept; else they are discarded. */
static int
exec_once(struct db *d, struct arena *a, struct dbres *res, const char *sql,
    const char *fmt, va_list ap, int *retry, MYSQL_STMT **kept)
{
	MYSQL_BIND bind[DB_MAX_PARAMS];
	long long ints[DB_MAX_PARAMS];
	unsigned long lens[DB_MAX_PARAMS];
	struct db_stmt *s;
	size_t n = strlen(fmt);

	*retry = 0;
	if (n > DB_MAX_PARAMS) {
		set_err(d, CR_UNKNOWN_ERROR, "too many parameters");
		return -1;
	}
	if (ensure_conn(d) != 0)
		return -1;
	if ((s = stmt_get(d, sql)) == NULL) {
		/* Preparing changes nothing: always safe to retry. */
		if (is_lost(d->err) && !d->in_tx) {
			drop_conn(d);
			*retry = 1;
		}
		return -1;
	}
	if (mysql_stmt_param_count(s->st) != n) {
		set_err(d, CR_UNKNOWN_ERROR, "parameter count mismatch");
		return -1;
	}
	memset(bind, 0, sizeof(bind));
	for (size_t i = 0; i < n; i++) {
		switch (fmt[i]) {
		case 's': {
			const char *v = va_arg(ap, const char *);

			if (v == NULL) {
				bind[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			lens[i] = strlen(v);
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)v;
			bind[i].buffer_length = lens[i];
			bind[i].length = &lens[i];
			break;
		}
		case 'i':
			ints[i] = va_arg(ap, long long);
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = &ints[i];
			break;
		case 'b': {
			const void *v = va_arg(ap, const void *);

			lens[i] = va_arg(ap, size_t);
			bind[i].buffer_type = MYSQL_TYPE_BLOB;
			bind[i].buffer = (void *)v;
			bind[i].buffer_length = lens[i];
			bind[i].length = &lens[i];
			break;
		}
		default:
			set_err(d, CR_UNKNOWN_ERROR, "bad parameter format");
			return -1;
		}
	}
	if ((n > 0 && mysql_stmt_bind_param(s->st, bind) != 0) ||
	    mysql_stmt_execute(s->st) != 0) {
		set_err(d, mysql_stmt_errno(s->st), mysql_stmt_error(s->st));
		/* A deadlock rolls back the whole transaction: outside one,
		 * that is this statement alone, safe to run again. InnoDB
		 * reports a deadlock on a table's AUTO-INC lock (taken by
		 * an INSERT ... SELECT) as a failed auto-increment read. */
		if ((d->err == ER_LOCK_DEADLOCK ||
		    d->err == ER_AUTOINC_READ_FAILED) && !d->in_tx)
			*retry = 1;
		if (is_lost(d->err)) {
			*retry = s->readonly && !d->in_tx;
			drop_conn(d);
		}
		return -1;
	}
	d->affected = mysql_stmt_affected_rows(s->st);
	d->insert_id = mysql_stmt_insert_id(s->st);
	if (res != NULL)
		return fetch_rows(d, s->st, a, res);
	if (kept != NULL) {
		*kept = s->st;
		return 0;
	}
	/* Discard any result set the caller did not want. */
	mysql_stmt_free_result(s->st);
	return 0;
}

int
db_exec(struct db *d, struct arena *a, struct dbres *res, const char *sql,
    const char *fmt, ...)
{
	va_list ap;
	int rc, retry, tries = 1;

	va_start(ap, fmt);
	rc = exec_once(d, a, res, sql, fmt, ap, &retry, NULL);
	va_end(ap);
	/* Three tries: a statement several others deadlock with at once
	 * can lose twice; a lost server fails its reconnection, which is
	 * never retried. */
	while (rc != 0 && retry && tries++ < 3) {
		va_start(ap, fmt);
		rc = exec_once(d, a, res, sql, fmt, ap, &retry, NULL);
		va_end(ap);
	}
	if (rc == 0)
		d->err = 0;
	return rc;
}

int
db_exec_texts(struct db *d, const char *sql, size_t n,
    const char *const *params)
{
	return db_query_texts(d, NULL, NULL, sql, n, params);
}

int
db_query_texts(struct db *d, struct arena *a, struct dbres *res,
    const char *sql, size_t n, const char *const *params)
{
	MYSQL_BIND *bind;
	unsigned long *lens;
	struct db_stmt *s;
	int rc = -1;

	if (ensure_conn(d) != 0)
		return -1;
	if ((s = stmt_get(d, sql)) == NULL)
		return -1;
	if (mysql_stmt_param_count(s->st) != n) {
		set_err(d, CR_UNKNOWN_ERROR, "parameter count mismatch");
		return -1;
	}
	bind = calloc(n + 1, sizeof(*bind));
	lens = calloc(n + 1, sizeof(*lens));
	if (bind == NULL || lens == NULL) {
		set_err(d, CR_OUT_OF_MEMORY, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (params[i] == NULL) {
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			continue;
		}
		lens[i] = strlen(params[i]);
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = (void *)params[i];
		bind[i].buffer_length = lens[i];
		bind[i].length = &lens[i];
	}
	if ((n > 0 && mysql_stmt_bind_param(s->st, bind) != 0) ||
	    mysql_stmt_execute(s->st) != 0) {
		set_err(d, mysql_stmt_errno(s->st), mysql_stmt_error(s->st));
		if (is_lost(d->err))
			drop_conn(d);
		goto out;
	}
	d->affected = mysql_stmt_affected_rows(s->st);
	d->insert_id = mysql_stmt_insert_id(s->st);
	if (res != NULL) {
		if (fetch_rows(d, s->st, a, res) != 0)
			goto out;
	} else
		mysql_stmt_free_result(s->st);
	d->err = 0;
	rc = 0;
out:
	free(bind);
	free(lens);
	return rc;
}

/* The statement of k rows of spec (malloc'd), or NULL. */
static char *
rows_sql(const struct db_rows *spec, size_t k)
{
	size_t hl = strlen(spec->head), rl = strlen(spec->row);
	char *s = malloc(hl + k * (rl + 1) + strlen(spec->tail) + 1), *p;

	if (s == NULL)
		return NULL;
	memcpy(s, spec->head, hl);
	p = s + hl;
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, spec->row, rl);
		p += rl;
	}
	strcpy(p, spec->tail);
	return s;
}

int
db_exec_rows(struct db *d, struct db_rows *spec, size_t n,
    const char *const *params)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&mu);
	if (spec->full == NULL)
		spec->full = rows_sql(spec, spec->batch);
	pthread_mutex_unlock(&mu);
	if (spec->full == NULL) {
		set_err(d, CR_OUT_OF_MEMORY, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i += spec->batch) {
		size_t k = n - i < spec->batch ? n - i : spec->batch;
		const char *const *v = params + i * spec->width;
		char *sql;
		int rc;

		if (k == spec->batch) {
			if (db_exec_texts(d, spec->full, k * spec->width, v))
				return -1;
			continue;
		}
		if ((sql = rows_sql(spec, k)) == NULL) {
			set_err(d, CR_OUT_OF_MEMORY, "out of memory");
			return -1;
		}
		rc = db_exec_texts(d, sql, k * spec->width, v);
		db_forget(d, sql);
		free(sql);
		if (rc != 0)
			return -1;
	}
	return 0;
}

void
db_forget(struct db *d, const char *sql)
{
	for (size_t i = 0; i < d->nstmts; i++)
		if (d->stmts[i].sql == sql) {
			mysql_stmt_close(d->stmts[i].st);
			memmove(&d->stmts[i], &d->stmts[i + 1],
			    (d->nstmts - i - 1) * sizeof(*d->stmts));
			d->nstmts--;
			return;
		}
}

#define STREAM_VALUE_MAX 65536

struct db_stream {
	struct db *d;
	MYSQL_STMT *st;
	MYSQL_RES *meta;
	size_t ncols;
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls;
	char **row;
};

void
db_stream_close(struct db_stream *s)
{
	if (s == NULL)
		return;
	if (s->st != NULL)
		mysql_stmt_free_result(s->st);
	if (s->meta != NULL)
		mysql_free_result(s->meta);
	if (s->bind != NULL)
		for (size_t c = 0; c < s->ncols; c++)
			free(s->bind[c].buffer);
	free(s->bind);
	free(s->lens);
	free(s->nulls);
	free(s->row);
	free(s);
}

int
db_stream_open(struct db *d, struct db_stream **out, const char *sql,
    const char *fmt, ...)
{
	struct db_stream *s = NULL;
	MYSQL_FIELD *fields;
	MYSQL_STMT *st = NULL;
	va_list ap;
	int rc, retry;

	*out = NULL;
	/* Run it as db_exec would, leaving the rows on the server. */
	va_start(ap, fmt);
	rc = exec_once(d, NULL, NULL, sql, fmt, ap, &retry, &st);
	va_end(ap);
	if (rc != 0)
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto oom;
	s->d = d;
	s->st = st;
	if ((s->meta = mysql_stmt_result_metadata(s->st)) == NULL) {
		set_err(d, CR_UNKNOWN_ERROR, "the statement returns no rows");
		db_stream_close(s);
		return -1;
	}
	s->ncols = mysql_num_fields(s->meta);
	fields = mysql_fetch_fields(s->meta);
	s->bind = calloc(s->ncols, sizeof(*s->bind));
	s->lens = calloc(s->ncols, sizeof(*s->lens));
	s->nulls = calloc(s->ncols, sizeof(*s->nulls));
	s->row = calloc(s->ncols, sizeof(*s->row));
	if (!s->bind || !s->lens || !s->nulls || !s->row)
		goto oom;
	for (size_t c = 0; c < s->ncols; c++) {
		size_t n = fields[c].length + 65;

		if (n > STREAM_VALUE_MAX)
			n = STREAM_VALUE_MAX;
		s->bind[c].buffer_type = MYSQL_TYPE_STRING;
		if ((s->bind[c].buffer = malloc(n)) == NULL)
			goto oom;
		s->bind[c].buffer_length = n;
		s->bind[c].length = &s->lens[c];
		s->bind[c].is_null = &s->nulls[c];
	}
	if (mysql_stmt_bind_result(s->st, s->bind) != 0) {
		set_err(d, mysql_stmt_errno(s->st), mysql_stmt_error(s->st));
		db_stream_close(s);
		return -1;
	}
	*out = s;
	return 0;
oom:
	set_err(d, CR_OUT_OF_MEMORY, "out of memory");
	if (s == NULL)
		mysql_stmt_free_result(st);
	db_stream_close(s);
	return -1;
}

int
db_stream_next(struct db_stream *s, char ***row)
{
	int rc = mysql_stmt_fetch(s->st);

	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1) {
		set_err(s->d, mysql_stmt_errno(s->st), mysql_stmt_error(s->st));
		if (is_lost(s->d->err)) {
			drop_conn(s->d);	/* closes the statement */
			s->st = NULL;
		}
		return -1;
	}
	for (size_t c = 0; c < s->ncols; c++) {
		char *buf = s->bind[c].buffer;

		if (s->nulls[c]) {
			s->row[c] = NULL;
			continue;
		}
		if (s->lens[c] >= s->bind[c].buffer_length) {
			set_err(s->d, CR_UNKNOWN_ERROR, "value too long for "
			    "a stream");
			return -1;
		}
		buf[s->lens[c]] = '\0';
		s->row[c] = buf;
	}
	*row = s->row;
	return 1;
}

void
db_thread_start(void)
{
	mysql_thread_init();
}

void
db_thread_end(void)
{
	mysql_thread_end();
}

void
db_fragments(struct db *d, long rows)
{
	d->fragment_rows = rows > 0 ? rows : 0;
}

/* Sets the session's fragments to d->fragment_rows on a Galera node
 * (asking the server once a connection whether it is one).  0 or -1. */
static int
set_fragments(struct db *d)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char sql[160];

	if (d->fragment_rows == d->fragment_set || d->wsrep == 0)
		return 0;
	if (d->wsrep < 0) {
		/* lint: trusted text (a literal) */
		if (mysql_query(d->conn, "SELECT @@wsrep_on") != 0) {
			d->wsrep = 0;	/* a server without Galera */
			return 0;
		}
		if ((res = mysql_store_result(d->conn)) == NULL)
			return -1;
		row = mysql_fetch_row(res);
		d->wsrep = row != NULL && row[0] != NULL &&
		    strcmp(row[0], "1") == 0;
		mysql_free_result(res);
		if (!d->wsrep)
			return 0;
	}
	snprintf(sql, sizeof(sql), "SET SESSION wsrep_trx_fragment_unit = "
	    "'rows', wsrep_trx_fragment_size = %ld", d->fragment_rows);
	/* lint: trusted text (a literal and a number) */
	if (mysql_query(d->conn, sql) != 0)
		return -1;
	d->fragment_set = d->fragment_rows;
	return 0;
}

static int
begin(struct db *d, const char *level)
{
	if (ensure_conn(d) != 0)
		return -1;
	if (set_fragments(d) != 0) {
		set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
		if (is_lost(d->err))
			drop_conn(d);
		return -1;
	}
	/* lint: trusted text (level is a literal of this file) */
	if ((level != NULL && mysql_query(d->conn, level) != 0) ||
	    mysql_query(d->conn, "START TRANSACTION") != 0) {
		set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
		if (is_lost(d->err))
			drop_conn(d);
		return -1;
	}
	d->in_tx = 1;
	return 0;
}

int
db_begin(struct db *d)
{
	return begin(d, NULL);
}

int
db_begin_committed(struct db *d)
{
	/* For the next transaction only. */
	return begin(d, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

void
db_mark_commits(struct db *d, const char *sql, long long id,
    const unsigned char key[32], const unsigned char req[32])
{
	d->mark_sql = sql;
	d->mark_id = id;
	if (key != NULL)
		memcpy(d->mark_key, key, sizeof(d->mark_key));
	if (req != NULL)
		memcpy(d->mark_req, req, sizeof(d->mark_req));
}

int
db_commit(struct db *d)
{
	if (d->conn == NULL) {
		set_err(d, CR_SERVER_GONE_ERROR, "connection lost");
		return -1;
	}
	if (d->mark_sql != NULL && d->in_tx && db_exec(d, NULL, NULL,
	    d->mark_sql, "ibb", d->mark_id, d->mark_key,
	    sizeof(d->mark_key), d->mark_req, sizeof(d->mark_req)) != 0) {
		if (d->conn != NULL)
			db_rollback(d);
		d->in_tx = 0;
		return -1;
	}
	if (mysql_commit(d->conn) != 0) {
		set_err(d, mysql_errno(d->conn), mysql_error(d->conn));
		if (is_lost(d->err))
			drop_conn(d);
		else
			db_rollback(d);
		return -1;
	}
	d->in_tx = 0;
	d->mark_sql = NULL;	/* made its row; the next commits do not */
	return 0;
}

void
db_rollback(struct db *d)
{
	if (d->conn != NULL && mysql_rollback(d->conn) != 0)
		drop_conn(d);
	d->in_tx = 0;
}

const char *
db_val(const struct dbres *res, size_t r, size_t c)
{
	if (r >= res->nrows || c >= res->ncols)
		return NULL;
	return res->rows[r][c];
}

long long
db_int(const struct dbres *res, size_t r, size_t c)
{
	const char *v = db_val(res, r, c);

	return v ? strtoll(v, NULL, 10) : 0;
}

int
db_run_script(struct db *d, const char *text)
{
	MYSQL *m;
	int status;

	if (ensure_conn(d) != 0)
		return -1;
	m = d->conn;
	/* lint: trusted text. Migration files are part of nestegg's source
	 * and carry no user input; several statements need this call. */
	status = mysql_real_query(m, text, strlen(text));
	for (;;) {
		MYSQL_RES *res;

		if (status != 0) {
			set_err(d, mysql_errno(m), mysql_error(m));
			return -1;
		}
		if ((res = mysql_store_result(m)) != NULL)
			mysql_free_result(res);
		status = mysql_next_result(m);
		if (status == -1)
			return 0;
		if (status > 0)
			status = 1;
	}
}
