/*
 * config.h - run-time settings of the web workers and the command-line
 * tool.
 *
 * Settings come, later ones winning, from built-in defaults, from the
 * file $NESTEGG_CONF (default $NESTEGG_VAR/etc/nestegg.conf; "key = value"
 * lines, '#' comments), and from NESTEGG_<KEY> environment variables
 * (key upper-cased).  NESTEGG_VAR defaults to "var".
 */
#ifndef NESTEGG_CONFIG_H
#define NESTEGG_CONFIG_H

#include <stddef.h>

struct config {
	char var[400];		/* state directory */
	char home[512];		/* source tree: templates/, sql/ */
	char templates[600];	/* home/templates, derived */
	char db_socket[512];	/* MariaDB unix socket */
	char db_host[256];	/* used when db_socket is empty */
	int db_port;
	char db_nodes[1024];	/* several nodes (a Galera cluster), comma-
				   separated: "host", "host:port",
				   "[v6]:port" or a socket's path; "": the
				   one of db_socket, else db_host:db_port */
	char db_name[64];
	char db_user[64];	/* web account */
	char db_password[128];
	char admin_user[64];	/* schema owner, used by "nestegg migrate" */
	char admin_password[128];
	long session_idle;	/* seconds of inactivity before sign-out */
	long session_max;	/* seconds after sign-in before sign-out */
	long body_max;		/* largest accepted request body, bytes */
	long import_max;	/* the same for an import (".../import") */
	int login_free_failures; /* failures before logins are slowed */
	int login_account_failures; /* an account's failures from every
				   address before its sign-ins are slowed */
	int password_cost;	/* yescrypt cost of new hashes, 1-11
				   (0: libcrypt's default, 5) */
	char socket_dir[1024];	/* the workers' sockets, for /healthz
				   ("": var/run) */
	char backup_dir[1024];	/* nestegg backup's files ("": var/backups) */
	long backup_keep;	/* backups kept, newest first (0: all) */
	long backup_days;	/* days a backup is kept (0: no limit) */
	int db_timeout;		/* seconds a web request waits on one read or
				   write of the database before answering 503 */
	int threads;		/* FastCGI threads per worker process, fixed
				   (0: between threads_min and threads_max) */
	int threads_min;	/* a page worker's threads at rest */
	int threads_max;	/* and at most, when requests queue */
	int threads_idle;	/* seconds a thread beyond the minimum may go
				   unneeded before it ends */
	char log[8];		/* "stderr" (the default) or "syslog" */

	/* Price sources: the base address each source's own path is
	 * appended to (tests point them at a local server), and the keys
	 * of those that need one. */
	char yahoo_url[256], stooq_url[256], amfi_url[256];
	char coingecko_url[256], alphavantage_url[256], ecb_url[256];
	char stooq_key[128], coingecko_key[128], alphavantage_key[128];
	long fetch_interval;	/* seconds between fetches (make run's
				   scheduler; a fetch sooner than half of it
				   after the last is skipped) */
	long fetch_timeout;	/* seconds for one request */
	int fetch_per_host;	/* connections at once to one host */
	int fetch_retries;	/* tries after the first, with backoff */
	int outlier_pct;	/* a move past this percent of the last
				   price is an outlier ... */
	int outlier_confirm;	/* ... until seen this many times in a row */
	int crosscheck_pct;	/* sources disagreeing by more flag it */
	long runs_keep;		/* seconds fetch and valuation runs are kept */

	/* What a fetch may reach (netfence.h): by default public
	 * addresses only.  fetch_allow_private lets every source reach
	 * private, loopback and link-local addresses; fetch_allow names
	 * hosts that may be reached whatever their address ("host",
	 * "host:port", an address, or "address:port", separated by commas
	 * or spaces). */
	int fetch_allow_private;
	char fetch_allow[1024];
	long fetch_deadline;	/* seconds one source may take in a fetch
				   (0: half of fetch_interval, 30 to 300) */
	long fetch_url_seconds;	/* seconds one user's url instruments may
				   take in a fetch, together */

	/* Per-user limits (0: none). */
	long limit_instruments;	/* instruments in one's list */
	long limit_url_instruments; /* of them, priced from an address */
	long limit_portfolios;
	long limit_drafts;	/* imports waiting for their preview */
	long limit_draft_bytes;	/* their total size */
	long limit_api_writes;	/* API writes a minute */

	/* Seconds before a price is stale, by kind of instrument; 0 means
	 * never.  Markets close for weekends and holidays; a fund's NAV
	 * comes once a day; crypto trades all the time. */
	long stale_market;	/* stock, etf, bond */
	long stale_fund;
	long stale_crypto;
	long stale_other;	/* cash, other */
	long stale_manual;	/* priced by hand (a house) */

	/* The live panel (GET /live). */
	long live_heartbeat;	/* seconds between heartbeats */
	long live_poll;		/* seconds between looks for changes */
	long live_retry;	/* milliseconds browsers wait to reconnect */
	long live_stream_limit;	/* bytes a slow stream may hold back */
	long live_cgi_seconds;	/* how long a CGI stream lasts */
	int live_threads;	/* threads taking new streams */
};

/*
 * Fills c from the sources above.  Returns 0, or -1 with a message in
 * err (errlen bytes) if the file exists but cannot be read or holds an
 * unknown key or a bad number.
 */
int config_load(struct config *c, char *err, size_t errlen);

/* Sets one setting by name from text; 0 on success, -1 if unknown/bad. */
int config_set(struct config *c, const char *key, const char *value);

/* One database node: a socket (socket[0] != 0), else host and port. */
struct db_node {
	char socket[512];
	char host[256];
	int port;
};

/*
 * The i-th (from 0) node of c's database, of db_nodes (a port left out
 * is db_port), else the one node of db_socket or db_host:db_port.
 * Returns 0, or -1 past the last node or for a node that cannot be
 * (empty, too long, a port out of range).
 */
int config_db_node(const struct config *c, size_t i, struct db_node *out);

#endif
