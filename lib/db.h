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
	time_t last_used;
	unsigned err;			/* MariaDB error number of last call */
	char errmsg[256];
	unsigned long long affected, insert_id;
};

struct dbres {
	size_t nrows, ncols;
	char ***rows;			/* rows[r][c], NULL for SQL NULL */
	size_t **lens;			/* lens[r][c] */
};

/* Prepares d for use with cfg (kept by reference); connects lazily. */
void db_init(struct db *d, const struct config *cfg, int admin);

/* Connects now if not connected; 0 on success, -1 with d->errmsg. */
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
