/*
 * config.c - run-time settings (see config.h).
 */
#include "config.h"
#include "password.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NESTEGG_HOME
#define NESTEGG_HOME "."
#endif

enum ctype { C_STR, C_LONG, C_INT };

static const struct setting {
	const char *key;
	enum ctype type;
	size_t off, size;
} settings[] = {
#define S(k) { #k, C_STR, offsetof(struct config, k), \
    sizeof(((struct config *)0)->k) }
#define L(k) { #k, C_LONG, offsetof(struct config, k), 0 }
#define I(k) { #k, C_INT, offsetof(struct config, k), 0 }
	S(home), S(db_socket), S(db_host), I(db_port), S(db_nodes), S(db_name),
	S(db_user), S(db_password), S(admin_user), S(admin_password),
	L(session_idle), L(session_max), L(body_max), L(import_max),
	I(login_free_failures), I(login_account_failures), I(password_cost),
	I(db_timeout),
	S(backup_dir), L(backup_keep), L(backup_days), S(socket_dir),
	I(threads), I(threads_min), I(threads_max), I(threads_idle), S(log),
	S(yahoo_url), S(stooq_url), S(amfi_url), S(coingecko_url),
	S(alphavantage_url), S(ecb_url), S(stooq_key), S(coingecko_key),
	S(alphavantage_key), L(fetch_interval), L(fetch_timeout),
	I(fetch_per_host), I(fetch_retries), I(outlier_pct),
	I(outlier_confirm), I(crosscheck_pct), L(runs_keep),
	I(fetch_allow_private), S(fetch_allow), L(fetch_deadline),
	L(fetch_url_seconds), L(limit_instruments), L(limit_url_instruments),
	L(limit_portfolios), L(limit_drafts), L(limit_draft_bytes),
	L(limit_api_writes),
	L(stale_market), L(stale_fund), L(stale_crypto), L(stale_other),
	L(stale_manual), L(live_heartbeat), L(live_poll), L(live_retry),
	L(live_stream_limit), L(live_cgi_seconds), I(live_threads),
#undef S
#undef L
#undef I
};

int
config_set(struct config *c, const char *key, const char *value)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *s = &settings[i];
		char *end;
		long v;

		if (strcmp(s->key, key) != 0)
			continue;
		if (s->type == C_STR) {
			if (strlen(value) >= s->size)
				return -1;
			strcpy((char *)c + s->off, value);
			return 0;
		}
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end != '\0' || v < 0)
			return -1;
		if (s->type == C_LONG)
			*(long *)(void *)((char *)c + s->off) = v;
		else if (v > 1000000)
			return -1;
		else
			*(int *)(void *)((char *)c + s->off) = (int)v;
		return 0;
	}
	return -1;
}

static void
defaults(struct config *c)
{
	const char *var = getenv("NESTEGG_VAR");

	memset(c, 0, sizeof(*c));
	snprintf(c->var, sizeof(c->var), "%s", var && *var ? var : "var");
	snprintf(c->home, sizeof(c->home), "%s", NESTEGG_HOME);
	snprintf(c->db_socket, sizeof(c->db_socket), "%s/run/mariadb.sock",
	    c->var);
	snprintf(c->db_host, sizeof(c->db_host), "localhost");
	c->db_port = 3306;
	c->db_timeout = 5;
	c->backup_keep = 14;
	c->backup_days = 30;
	snprintf(c->db_name, sizeof(c->db_name), "nestegg");
	snprintf(c->db_user, sizeof(c->db_user), "nestegg_web");
	snprintf(c->admin_user, sizeof(c->admin_user), "root");
	c->session_idle = 24L * 3600;
	c->session_max = 30L * 24 * 3600;
	c->body_max = 1024L * 1024;
	c->import_max = 17L * 1024 * 1024;	/* a 16 MiB file and a form */
	c->login_free_failures = 5;
	c->login_account_failures = 100;
	c->threads_min = 4;
	c->threads_max = 16;
	c->threads_idle = 10;
	strcpy(c->log, "stderr");
	snprintf(c->yahoo_url, sizeof(c->yahoo_url),
	    "https://query1.finance.yahoo.com");
	snprintf(c->stooq_url, sizeof(c->stooq_url), "https://stooq.com");
	snprintf(c->amfi_url, sizeof(c->amfi_url),
	    "https://portal.amfiindia.com");
	snprintf(c->coingecko_url, sizeof(c->coingecko_url),
	    "https://api.coingecko.com");
	snprintf(c->alphavantage_url, sizeof(c->alphavantage_url),
	    "https://www.alphavantage.co");
	snprintf(c->ecb_url, sizeof(c->ecb_url), "https://www.ecb.europa.eu");
	c->fetch_interval = 600;
	c->fetch_timeout = 20;
	c->fetch_per_host = 6;
	c->fetch_retries = 2;
	c->outlier_pct = 50;
	c->outlier_confirm = 3;
	c->crosscheck_pct = 5;
	c->runs_keep = 7L * 86400;
	c->fetch_url_seconds = 30;
	c->limit_instruments = 1000;
	c->limit_url_instruments = 20;
	c->limit_portfolios = 100;
	c->limit_drafts = 5;
	c->limit_draft_bytes = 64L * 1024 * 1024;
	c->limit_api_writes = 120;
	c->stale_market = 4L * 86400;
	c->stale_fund = 5L * 86400;
	c->stale_crypto = 2L * 3600;
	c->stale_other = 7L * 86400;
	c->stale_manual = 0;
	c->live_heartbeat = 15;
	c->live_poll = 1;
	c->live_retry = 3000;
	c->live_stream_limit = 256L * 1024;
	c->live_cgi_seconds = 300;
	c->live_threads = 4;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
load_file(struct config *c, const char *path, int must, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (f == NULL) {
		if (!must && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %m", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *eq;

		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value",
			    path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (config_set(c, k, v) != 0) {
			snprintf(err, errlen, "%s:%d: bad setting '%s'",
			    path, lineno, k);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int
config_load(struct config *c, char *err, size_t errlen)
{
	const char *file = getenv("NESTEGG_CONF");
	char path[600];

	defaults(c);
	if (file && *file) {
		if (load_file(c, file, 1, err, errlen) != 0)
			return -1;
	} else {
		snprintf(path, sizeof(path), "%s/etc/nestegg.conf", c->var);
		if (load_file(c, path, 0, err, errlen) != 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		char name[80];
		const char *v;
		size_t j;

		snprintf(name, sizeof(name), "NESTEGG_%s", settings[i].key);
		for (j = 8; name[j]; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		if ((v = getenv(name)) == NULL)
			continue;
		if (config_set(c, settings[i].key, v) != 0) {
			snprintf(err, errlen, "%s: bad value", name);
			return -1;
		}
	}
	if (c->password_cost > PASSWORD_COST_MAX) {
		snprintf(err, errlen, "password_cost: 0 to %d",
		    PASSWORD_COST_MAX);
		return -1;
	}
	if (strcmp(c->log, "stderr") != 0 && strcmp(c->log, "syslog") != 0) {
		snprintf(err, errlen, "log: stderr or syslog");
		return -1;
	}
	if (c->threads > 1024 || c->threads_min < 1 ||
	    c->threads_max < c->threads_min || c->threads_max > 1024 ||
	    c->threads_idle < 1) {
		snprintf(err, errlen, "threads: 1 to 1024 (0: between "
		    "threads_min, at least 1, and threads_max, at most 1024); "
		    "threads_idle: at least 1");
		return -1;
	}
	snprintf(c->templates, sizeof(c->templates), "%s/templates", c->home);
	if (*c->socket_dir == '\0')
		snprintf(c->socket_dir, sizeof(c->socket_dir), "%.400s/run",
		    c->var);
	return 0;
}

int
config_db_node(const struct config *c, size_t i, struct db_node *out)
{
	const char *p = c->db_nodes, *e, *colon;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->port = c->db_port;
	if (*p == '\0') {
		if (i > 0)
			return -1;
		snprintf(out->socket, sizeof(out->socket), "%s", c->db_socket);
		snprintf(out->host, sizeof(out->host), "%s", c->db_host);
		return 0;
	}
	for (; i > 0; i--)
		if ((p = strchr(p, ',')) == NULL)
			return -1;
		else
			p++;
	p += strspn(p, " ");
	e = strchr(p, ',');
	n = e ? (size_t)(e - p) : strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0)
		return -1;
	if (*p == '/') {
		if (n >= sizeof(out->socket))
			return -1;
		memcpy(out->socket, p, n);
		return 0;
	}
	if (*p == '[') {			/* [v6]:port */
		const char *close = memchr(p, ']', n);

		if (close == NULL || (size_t)(close - p - 1) >=
		    sizeof(out->host))
			return -1;
		memcpy(out->host, p + 1, (size_t)(close - p - 1));
		colon = close + 1 < p + n && close[1] == ':' ? close + 1 :
		    NULL;
	} else {
		colon = memchr(p, ':', n);
		if ((size_t)((colon ? colon : p + n) - p) >= sizeof(out->host))
			return -1;
		memcpy(out->host, p, (size_t)((colon ? colon : p + n) - p));
	}
	if (colon != NULL) {
		char port[8];
		size_t k = (size_t)(p + n - colon - 1);
		char *end;
		long v;

		if (k == 0 || k >= sizeof(port))
			return -1;
		memcpy(port, colon + 1, k);
		port[k] = '\0';
		v = strtol(port, &end, 10);
		if (*end != '\0' || v < 1 || v > 65535)
			return -1;
		out->port = (int)v;
	}
	return *out->host ? 0 : -1;
}
