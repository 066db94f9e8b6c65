/*
 * auth.c - accounts, sessions and sign-in throttling (see auth.h).
 */
#include "auth.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "epoch.h"
#include "password.h"

const char *
auth_email_check(struct arena *a, const char *in, char **out)
{
	const char *s = in ? in : "", *e, *at;
	size_t n;
	char *p;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - s);
	*out = p = arena_strndup(a, s, n);
	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if (n == 0)
		return "Enter your email address.";
	if (n > EMAIL_MAX)
		return "That email address is too long.";
	at = strchr(p, '@');
	if (at == NULL || at == p || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    p[n - 1] == '.')
		return "Enter an email address like name@example.com.";
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == '<' || *q == '>' ||
		    *q == '"' || *q == ',' || *q == ';' || *q == '\\')
			return "An email address cannot contain spaces or "
			    "< > \" , ; \\.";
	return NULL;
}

static void
token_key(const char *token, unsigned char hash[32])
{
	token_sha256(token, strlen(token), hash);
}

int
auth_session_get(struct db *d, struct arena *a, const char *token,
    struct user *u)
{
	static const char q[] =
	    "SELECT u.id, u.email, u.is_admin, "
	    "TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW()), u.currency, "
	    "UNIX_TIMESTAMP(s.created_at), UNIX_TIMESTAMP(s.last_seen_at), "
	    "UNIX_TIMESTAMP(NOW()) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = ? AND u.disabled_at IS NULL "
	    "AND s.created_at > NOW() - INTERVAL ? SECOND "
	    "AND s.last_seen_at > NOW() - INTERVAL ? SECOND";
	static const char touch[] =
	    "UPDATE sessions SET last_seen_at = NOW() WHERE token_hash = ? "
	    "AND last_seen_at < NOW() - INTERVAL 60 SECOND";
	unsigned char hash[32];
	struct dbres res;

	memset(u, 0, sizeof(*u));
	if (token == NULL || strlen(token) != TOKEN_HEX)
		return 0;
	token_key(token, hash);
	if (db_exec(d, a, &res, q, "bii", hash, sizeof(hash),
	    (long long)d->cfg->session_max,
	    (long long)d->cfg->session_idle) != 0)
		return -1;
	if (res.nrows == 0)
		return 0;
	u->id = db_int(&res, 0, 0);
	u->email = db_val(&res, 0, 1);
	u->admin = db_int(&res, 0, 2) != 0;
	snprintf(u->currency, sizeof(u->currency), "%s",
	    db_val(&res, 0, 4) ? db_val(&res, 0, 4) : "USD");
	{
		long long created = db_int(&res, 0, 5);
		long long seen = db_int(&res, 0, 6), now = db_int(&res, 0, 7);

		if (now - seen >= 60) {
			if (db_exec(d, NULL, NULL, touch, "b", hash,
			    sizeof(hash)) != 0)
				return -1;
			seen = now;
		}
		u->expires = created + d->cfg->session_max;
		if (seen + d->cfg->session_idle < u->expires)
			u->expires = seen + d->cfg->session_idle;
	}
	return 1;
}

int
auth_session_new(struct db *d, long long user_id, const char *addr,
    char out[TOKEN_HEX + 1])
{
	static const char q[] =
	    "INSERT INTO sessions (token_hash, user_id, created_at, "
	    "last_seen_at, address) VALUES (?, ?, NOW(), NOW(), ?)";
	unsigned char hash[32];

	if (token_new(out) != 0)
		return -1;
	token_key(out, hash);
	return db_exec(d, NULL, NULL, q, "bis", hash, sizeof(hash), user_id,
	    addr ? addr : "");
}

int
auth_session_end(struct db *d, const char *token)
{
	static const char q[] = "DELETE FROM sessions WHERE token_hash = ?";
	unsigned char hash[32];

	if (token == NULL)
		return 0;
	token_key(token, hash);
	if (db_exec(d, NULL, NULL, q, "b", hash, sizeof(hash)) != 0)
		return -1;
	epoch_bump(EPOCH_AUTH);
	return 0;
}

int
auth_sessions_end_all(struct db *d, long long user_id)
{
	static const char q[] = "DELETE FROM sessions WHERE user_id = ?";

	if (db_exec(d, NULL, NULL, q, "i", user_id) != 0)
		return -1;
	epoch_bump(EPOCH_AUTH);
	return 0;
}

static long
delay_for(long failures, long free, long max)
{
	long delay = AUTH_DELAY_BASE;

	if (failures < free)
		return 0;
	for (long i = free; i < failures && delay < max; i++)
		delay *= 2;
	return delay < max ? delay : max;
}

static long
attempt_once(struct db *d, struct arena *a, const char *email,
    const char *addr)
{
	/* Each row is made or locked exclusively at once, the account's,
	 * then the pair's, then the address's, so parallel attempts queue,
	 * never deadlock on lock upgrades. */
	static const char make[] = "INSERT INTO login_failures (kind, "
	    "subject, failures, last_failure_at) VALUES (?, ?, 0, NOW()) "
	    "ON DUPLICATE KEY UPDATE failures = failures";
	static const char q[] = "SELECT kind, failures, "
	    "TIMESTAMPDIFF(SECOND, last_failure_at, NOW()) "
	    "FROM login_failures WHERE (kind = 'account' AND subject = ?) "
	    "OR (kind = 'pair' AND subject = ?) "
	    "OR (kind = 'address' AND subject = ?) FOR UPDATE";
	static const char count[] = "UPDATE login_failures SET failures = "
	    "IF(last_failure_at < NOW() - INTERVAL 1 DAY, 1, failures + 1), "
	    "last_failure_at = NOW() WHERE (kind = 'account' AND subject = ?) "
	    "OR (kind = 'pair' AND subject = ?) "
	    "OR (kind = 'address' AND subject = ?)";
	const char *pair = arena_printf(a, "%s %s", addr, email);
	struct dbres res;
	long wait = 0;

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, make, "ss", "account", email) != 0 ||
	    db_exec(d, NULL, NULL, make, "ss", "pair", pair) != 0 ||
	    db_exec(d, NULL, NULL, make, "ss", "address", addr) != 0 ||
	    db_exec(d, a, &res, q, "sss", email, pair, addr) != 0)
		goto fail;
	for (size_t i = 0; i < res.nrows; i++) {
		int account = strcmp(db_val(&res, i, 0), "account") == 0;
		long n = (long)db_int(&res, i, 1);
		long ago = (long)db_int(&res, i, 2);
		long w = delay_for(n, account ?
		    d->cfg->login_account_failures :
		    d->cfg->login_free_failures, account ?
		    AUTH_ACCOUNT_DELAY_MAX : AUTH_DELAY_MAX) - ago;

		if (ago < 86400 && w > wait)
			wait = w;
	}
	if (wait > 0) {
		db_rollback(d);
		return wait;
	}
	if (db_exec(d, NULL, NULL, count, "sss", email, pair, addr) != 0 ||
	    db_commit(d) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

long
auth_attempt(struct db *d, struct arena *a, const char *email,
    const char *addr)
{
	long rc;
	int tries = 0;

	do
		rc = attempt_once(d, a, email, addr);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

int
auth_attempt_ok(struct db *d, struct arena *a, const char *email,
    const char *addr)
{
	static const char clear[] = "DELETE FROM login_failures "
	    "WHERE (kind = 'account' AND subject = ?) "
	    "OR (kind = 'pair' AND subject = ?)";
	static const char back[] = "UPDATE login_failures SET failures = "
	    "GREATEST(CAST(failures AS SIGNED) - 1, 0) "
	    "WHERE kind = 'address' AND subject = ?";

	if (db_exec(d, NULL, NULL, clear, "ss", email, arena_printf(a,
	    "%s %s", addr, email)) != 0)
		return -1;
	return db_exec(d, NULL, NULL, back, "s", addr);
}

long long
auth_user_add(struct db *d, const char *email, const char *password,
    int admin)
{
	/* admin < 0: an admin when there is none yet (the first account
	 * registered on the web). */
	static const char q[] = "INSERT INTO users (email, password_hash, "
	    "is_admin, created_at) SELECT ?, ?, IF(? < 0, NOT EXISTS (SELECT "
	    "1 FROM users WHERE is_admin = 1), ?), NOW()";
	char hash[PASSWORD_HASH_MAX];

	if (password_hash(password, hash) != 0)
		return -1;
	/* Registrations at the same moment can deadlock on the first-admin
	 * check: db_exec runs a deadlocked statement again. */
	if (db_exec(d, NULL, NULL, q, "ssii", email, hash, (long long)admin,
	    (long long)(admin > 0)) != 0)
		return db_duplicate(d) ? 0 : -1;
	return (long long)d->insert_id;
}

/* Stringifies a macro's value, for a constant inside SQL text. */
#define STR_(x)	#x
#define STR(x)	STR_(x)

static int
notice_once(struct db *d, struct arena *a, const char *email,
    const char *addr)
{
	static const char who[] = "SELECT id FROM users WHERE email = ?";
	/* The count's row, made or locked first, puts an account's
	 * notices in order: the trim below never races another. */
	static const char count[] = "INSERT INTO account_notice_counts "
	    "(user_id, unseen) VALUES (?, 1) "
	    "ON DUPLICATE KEY UPDATE unseen = unseen + 1";
	static const char add[] = "INSERT INTO account_notices (user_id, "
	    "kind, at, address) VALUES (?, 'register', NOW(), ?)";
	static const char oldest[] = "SELECT id FROM account_notices "
	    "WHERE user_id = ? ORDER BY id DESC "
	    "LIMIT 1 OFFSET " STR(AUTH_NOTICES_KEEP);
	static const char trim[] = "DELETE FROM account_notices "
	    "WHERE user_id = ? AND id <= ?";
	struct dbres res;
	long long id;

	if (db_exec(d, a, &res, who, "s", email) != 0)
		return -1;
	if (res.nrows == 0)
		return 0;		/* gone meanwhile: nobody to tell */
	id = db_int(&res, 0, 0);
	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, count, "i", id) != 0 ||
	    db_exec(d, NULL, NULL, add, "is", id, addr ? addr : "") != 0 ||
	    db_exec(d, a, &res, oldest, "i", id) != 0)
		goto fail;
	if (res.nrows > 0 && db_exec(d, NULL, NULL, trim, "ii", id,
	    db_int(&res, 0, 0)) != 0)
		goto fail;
	if (db_commit(d) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

int
auth_notice_register(struct db *d, struct arena *a, const char *email,
    const char *addr)
{
	int rc, tries = 0;

	do
		rc = notice_once(d, a, email, addr);
	while (rc < 0 && db_again(d, &tries));
	if (rc == 0)
		epoch_bump(EPOCH_AUTH);	/* see auth_notices_take() */
	return rc;
}

static int
take_once(struct db *d, struct arena *a, long long user_id,
    struct notice **out, size_t *n, long long *total)
{
	static const char count[] = "SELECT unseen FROM "
	    "account_notice_counts WHERE user_id = ? FOR UPDATE";
	static const char list[] = "SELECT "
	    "DATE_FORMAT(at, '%Y-%m-%d %H:%i'), address "
	    "FROM account_notices WHERE user_id = ? AND seen_at IS NULL "
	    "ORDER BY id DESC LIMIT " STR(AUTH_NOTICES_KEEP);
	static const char seen[] = "UPDATE account_notices SET "
	    "seen_at = NOW() WHERE user_id = ? AND seen_at IS NULL";
	static const char zero[] = "UPDATE account_notice_counts SET "
	    "unseen = 0 WHERE user_id = ?";
	struct dbres res;

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, a, &res, count, "i", user_id) != 0)
		goto fail;
	*total = res.nrows > 0 ? db_int(&res, 0, 0) : 0;
	if (*total == 0) {
		db_rollback(d);
		return 0;
	}
	if (db_exec(d, a, &res, list, "i", user_id) != 0 ||
	    db_exec(d, NULL, NULL, seen, "i", user_id) != 0 ||
	    db_exec(d, NULL, NULL, zero, "i", user_id) != 0 ||
	    db_commit(d) != 0)
		goto fail;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < res.nrows; i++) {
		(*out)[i].at = db_val(&res, i, 0);
		(*out)[i].address = db_val(&res, i, 1);
	}
	*n = res.nrows;
	if (*total < (long long)*n)
		*total = (long long)*n;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

int
auth_notices_take(struct db *d, struct arena *a, long long user_id,
    struct notice **out, size_t *n, long long *total)
{
	/* Most dashboards have nothing to tell: one read, no lock. */
	static const char any[] = "SELECT 1 FROM account_notice_counts "
	    "WHERE user_id = ? AND unseen > 0";
	struct dbres res;
	int rc, tries = 0;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (db_exec(d, a, &res, any, "i", user_id) != 0)
		return -1;
	if (res.nrows == 0)
		return 0;
	do {
		*n = 0;
		*total = 0;
		rc = take_once(d, a, user_id, out, n, total);
	} while (rc < 0 && db_again(d, &tries));
	return rc;
}

long long
auth_check_password(struct db *d, struct arena *a, const char *email,
    const char *password)
{
	static const char q[] = "SELECT id, password_hash FROM users "
	    "WHERE email = ? AND disabled_at IS NULL";
	struct dbres res;
	int ok;

	if (db_exec(d, a, &res, q, "s", email) != 0)
		return -1;
	if (res.nrows == 0) {
		/* Same work as for a real account: no timing oracle. */
		password_verify(password, password_dummy_hash());
		return 0;
	}
	ok = password_verify(password, db_val(&res, 0, 1));
	return ok ? db_int(&res, 0, 0) : 0;
}

int
auth_password_set(struct db *d, long long user_id, const char *password)
{
	static const char q[] =
	    "UPDATE users SET password_hash = ? WHERE id = ?";
	char hash[PASSWORD_HASH_MAX];

	if (password_hash(password, hash) != 0)
		return -1;
	return db_exec(d, NULL, NULL, q, "si", hash, user_id);
}
