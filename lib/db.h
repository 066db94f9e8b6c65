/*
 * db.h - MariaDB access through prepared statements only.
 *
 * One struct db is one connection, used by one thread at a time.  Each
 * distinct SQL text is prepared once per connection and cached (keyed by
 * the address of the SQL string, which must therefore be a string
 * literal or otherwise live for the life of the process).
 *
 * Parameters are passed with a format string, one letter each:
 *   's'  const char *      text, NULL for SQL NULL
 *   'i'  long long         integer
 *   'b'  const void *, size_t   bytes (BINARY/BLOB)
 * Result columns are returned as text (DECIMAL exactly as stored), NULL
 * for SQL NULL, copied into the caller's arena.
 *
 * The connection is opened lazily and re-opened after the server went
 * away: a statement outside a transaction that only reads is retried
 * once on a fresh connection; anything else fails with db_down() true,
 * and the next call reconnects.
 */
#ifndef NESTEGG_DB_H
#define NESTEGG_DB_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "config.h"

#define DB_STMT_CACHE 128

struct db_stmt;

struct db {
	void *conn;			/* MYSQL *, NULL when not connected */
	const struct config *cfg;
	int admin;			/* connect as the admin account */
	struct db_stmt *stmts;		/* DB_STMT_CACHE prepared statements */
	size_t nstmts;
	int in_tx;
	size_t node;			/* the node to try first (db_nodes) */
	time_t last_used;
	unsigned err;			/* MariaDB error number of last call */
	char errmsg[256];
	unsigned long long affected, insert_id;
	long fragment_rows;		/* db_fragments() */
	int wsrep;			/* this connection's server is a
					   Galera node: 1, 0, -1 unknown */
	long fragment_set;		/* what the session has now */
	/* db_mark_commits(): run in each transaction before its commit. */
	const char *mark_sql;
	long long mark_id;
	unsigned char mark_key[32];
	unsigned char mark_req[32];
};

struct dbres {
	size_t nrows, ncols;
	char ***rows;			/* rows[r][c], NULL for SQL NULL */
	size_t **lens;			/* lens[r][c] */
};

/* Prepares d for use with cfg (kept by reference); connects lazily. */
void db_init(struct db *d, const struct config *cfg, int admin);

/*
 * Connects now if not connected; 0 on success, -1 with d->errmsg.  Of
 * several nodes (config db_nodes) it takes the one it last used, else
 * the next that answers and, in a Galera cluster, is synced
 * (wsrep_local_state 4: a node that is joining answers error 1047); a
 * connection lost moves it on to the next.
 */
int db_connect(struct db *d);

/* Closes the connection and frees the statement cache. */
void db_close(struct db *d);

/*
 * Runs sql with the parameters in fmt.  When res is not NULL the rows are
 * stored there (memory from a).  Returns 0 on success, -1 on failure with
 * d->err and d->errmsg set.  d->affected and d->insert_id are updated.
 * Outside a transaction, a statement that deadlocked (InnoDB reports one
 * on an AUTO-INC lock as a failed auto-increment read) is run up to twice
 * more, and a read-only one whose connection was lost once more.
 */
int db_exec(struct db *d, struct arena *a, struct dbres *res,
    const char *sql, const char *fmt, ...);

/*
 * While sql is set (NULL: no more), the next transaction committed
 * through db_commit() first runs sql with (id, key, req: 32 bytes each)
 * as its parameters, in the same transaction: what lets a request's idempotency
 * key say that its writes were committed, whatever becomes of the
 * connection after.  A failure of sql rolls the transaction back (and
 * leaves sql set); a commit that succeeds unsets it.
 */
void db_mark_commits(struct db *d, const char *sql, long long id,
    const unsigned char key[32], const unsigned char req[32]);

/*
 * Runs sql with n text parameters (NULL for SQL NULL), for statements
 * whose number of parameters is only known at run time (a batch of rows
 * in one INSERT).  sql is cached by address like any other.  0 or -1.
 */
int db_exec_texts(struct db *d, const char *sql, size_t n,
    const char *const *params);

/*
 * Many rows in one statement: head, then batch copies of row separated
 * by commas, then tail ("" for none), each row taking width text
 * parameters.  db_exec_rows() writes params[0 .. n * width) for n rows
 * of any number, batch to a statement (at most 65535 / width); the
 * statement of a whole batch is built once for the process and stays
 * prepared, a shorter last one is prepared, run and forgotten.  Declare
 * a spec once: static struct db_rows x = DB_ROWS(head, row, tail, w, b).
 * 0 or -1.
 */
struct db_rows {
	const char *head, *row, *tail;
	size_t width, batch;
	char *full;		/* the statement of batch rows, once built */
};
#define DB_ROWS(head, row, tail, width, batch) \
	{ (head), (row), (tail), (width), (batch), NULL }
int db_exec_rows(struct db *d, struct db_rows *spec, size_t n,
    const char *const *params);

/* The same for a query: its rows into *res (memory from a). */
int db_query_texts(struct db *d, struct arena *a, struct dbres *res,
    const char *sql, size_t n, const char *const *params);

/* Closes the statement prepared for sql, if any: call it before the
 * text of a statement built at run time is freed, since another text may
 * later be given the same address. */
void db_forget(struct db *d, const char *sql);

/*
 * Streams the rows of a query instead of storing them all: rows come
 * from the server one at a time, so a query over millions of rows needs
 * memory for one.  db_stream_open() runs sql with parameters as for
 * db_exec(); each db_stream_next() points *row at the current row's
 * values (NULL for SQL NULL, NUL-terminated, valid until the next call)
 * and returns 1, or 0 after the last row, or -1 on failure (d->errmsg);
 * db_stream_close() ends the stream, early or not.  Nothing else may use
 * the connection while a stream is open.  Values longer than 64 KiB are
 * a failure.
 */
struct db_stream;
int db_stream_open(struct db *d, struct db_stream **s, const char *sql,
    const char *fmt, ...);
int db_stream_next(struct db_stream *s, char ***row);
void db_stream_close(struct db_stream *s);

/* Makes a thread of one's own ready to use a connection, and ends that
 * (a thread the library did not start). */
void db_thread_start(void);
void db_thread_end(void);

/*
 * Large transactions on a Galera cluster: those begun on d from now on
 * replicate, when d's server is a Galera node (@@wsrep_on), in
 * fragments of about rows rows as they are written (MariaDB's streaming
 * replication, wsrep_trx_fragment_size), instead of as one write set at
 * their commit, which a cluster certifies and applies slowly and which
 * stalls the other nodes' commits behind it; 0 (the default): at
 * commit.  A transaction stays whole all the same: others see all of it
 * at its commit, or nothing.  No effect on a single server.
 */
void db_fragments(struct db *d, long rows);
#define DB_FRAGMENT_ROWS 10000	/* what large transactions use */

/* Starts, commits or rolls back a transaction; 0 on success. */
int db_begin(struct db *d);
/* db_begin at READ COMMITTED: its reads and deletes lock the rows they
 * find, not the gaps beside them, so writers of disjoint key ranges at
 * the end of one index (two portfolios' series) do not deadlock. */
int db_begin_committed(struct db *d);
int db_commit(struct db *d);
void db_rollback(struct db *d);

/* 1 if the last failure was the server being unreachable. */
int db_down(const struct db *d);

/* 1 if the last failure was a deadlock or lock wait timeout: the
 * transaction was rolled back and may simply be tried again, up to
 * DB_TRIES times in all. */
#define DB_TRIES	5
int db_retry(const struct db *d);

/*
 * 1 when the last failure passes and nothing was committed: the server
 * gone (db_down), a conflict past its retries (db_retry), or a Galera
 * node outside its primary component (1047 not ready, 1180 a commit it
 * could not replicate).  Worth sending again in a moment, elsewhere.
 */
int db_passing(const struct db *d);

/*
 * The one retry policy of write transactions.  After a transaction
 * failed (and was rolled back), says whether to run it again from its
 * start: 1 when the failure was a deadlock or a lock wait timeout (on
 * Galera also a certification conflict with another node's commit,
 * which any statement or the COMMIT reports as error 1213) and fewer
 * than DB_TRIES runs were made (*tries counts them: 0 before the
 * first), after a short random pause that doubles each time (2-4 ms,
 * then 4-8 ...), so that two writers that collided do not collide
 * again; else 0.  A lost connection is 0: whether its commit took is
 * unknown, and only the caller knows whether its writes may be sent
 * again (a web request answers 503 with Retry-After; one with an
 * idempotency key is then safe for the client to resend).  The whole
 * transaction, reads included, must be in what is run again:
 *
 *	int tries = 0;
 *	do
 *		rc = once(d, ...);	(begins, writes, commits)
 *	while (rc < 0 && db_again(d, &tries));
 */
int db_again(struct db *d, int *tries);

/* 1 if the last failure was a duplicate key. */
int db_duplicate(const struct db *d);

/* 1 if the last failure was a number that does not fit its column (a
 * sum grown past DECIMAL(30,12), say). */
int db_out_of_range(const struct db *d);

/* Value at row r, column c (NULL for SQL NULL or out of range). */
const char *db_val(const struct dbres *res, size_t r, size_t c);

/* Integer at row r, column c; 0 for NULL. */
long long db_int(const struct dbres *res, size_t r, size_t c);



/*
 * Runs a trusted script of several statements (a migration file from
 * sql/, never user input) on an admin connection.  0, or -1 with
 * d->errmsg.
 */
int db_run_script(struct db *d, const char *text);
#endif
