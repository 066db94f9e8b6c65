/*
 * auth.h - accounts, sessions and sign-in throttling, stored in MariaDB.
 *
 * A session is identified by a random token (token.h) that only the
 * browser holds; the sessions table keys on its SHA-256.  A session ends
 * after cfg->session_idle seconds without use or cfg->session_max
 * seconds after sign-in, whichever comes first.
 *
 * Failed sign-ins are counted per account and address pair, per client
 * address, and per account.  Once a pair's or an address's count
 * reaches cfg->login_free_failures, each further attempt must wait
 * AUTH_DELAY_BASE * 2^(count - free) seconds (at most AUTH_DELAY_MAX)
 * after the last failure: an attacker's guesses slow down, while the
 * owner, from another address, signs in as ever.  An account's count
 * from every address together is a ceiling far above that,
 * cfg->login_account_failures, past which attempts wait at most
 * AUTH_ACCOUNT_DELAY_MAX: slowed, never locked.  A count a day old
 * starts again from zero.
 */
#ifndef NESTEGG_AUTH_H
#define NESTEGG_AUTH_H

#include "arena.h"
#include "config.h"
#include "db.h"
#include "token.h"

#define AUTH_DELAY_BASE	15
#define AUTH_DELAY_MAX	900
#define AUTH_ACCOUNT_DELAY_MAX 60
#define EMAIL_MAX	254

struct user {
	long long id;			/* 0: nobody signed in */
	const char *email;
	int admin;
	char currency[4];		/* for totals across portfolios */
	long long expires;		/* when the session ends (Unix time) */
};

/*
 * Normalises an email address into the arena (trimmed, lower-cased) and
 * checks its form.  Returns NULL if acceptable, else a message.
 */
const char *auth_email_check(struct arena *a, const char *in, char **out);

/*
 * Finds the live session of token (TOKEN_HEX hex digits).  Returns 1 and
 * fills u (strings in a) when found, 0 when absent or expired, -1 on a
 * database error.  Marks the session used, at most once a minute.
 */
int auth_session_get(struct db *d, struct arena *a, const char *token,
    struct user *u);

/* Starts a session for user_id; its token goes to out.  0 or -1. */
int auth_session_new(struct db *d, long long user_id, const char *addr,
    char out[TOKEN_HEX + 1]);

/* Ends the session of token (if any); 0 or -1 on a database error. */
int auth_session_end(struct db *d, const char *token);

/* Ends every session of user_id; 0 or -1. */
int auth_sessions_end_all(struct db *d, long long user_id);

/*
 * Starts a sign-in attempt for email from addr.  When it may go ahead it
 * is counted at once as a failure, under the rows' locks, so attempts
 * sent in parallel are counted one after another and none slips past
 * the limit; returns 0.  Otherwise returns the seconds still to wait,
 * counting nothing.  -1 on a database error.
 */
long auth_attempt(struct db *d, struct arena *a, const char *email,
    const char *addr);

/* After an attempt that succeeded: forgets the account's and the
 * pair's failures and takes the attempt back from the address's count;
 * 0 or -1. */
int auth_attempt_ok(struct db *d, struct arena *a, const char *email,
    const char *addr);

/*
 * Creates an account: an admin when admin > 0, not when 0, and when < 0
 * an admin only if there is none yet (the first account registered).
 * Returns the new id, 0 if the email is taken, -1 on a database or
 * hashing error.  The password is hashed first, at the configured cost,
 * whether or not the email is taken: the time does not tell.
 */
long long auth_user_add(struct db *d, const char *email,
    const char *password, int admin);

/*
 * Account notices: what an account's owner is told once, on the
 * dashboard, the next time they sign in.  Today one kind: someone tried
 * to register the account's email address (POST /register answers the
 * same either way, so that only the owner learns of it).  A notice keeps
 * when and from which address, nothing else; an account keeps its
 * latest AUTH_NOTICES_KEEP, and a count of those not yet seen.
 */
#define AUTH_NOTICES_KEEP 5

struct notice {
	const char *at;			/* "2026-12-07 06:10" (UTC) */
	const char *address;
};

/*
 * Records that someone at addr tried to register email, which belongs
 * to an account, and makes the caches of this host's workers look again
 * (EPOCH_AUTH).  0 (also when no account has email), or -1 on a
 * database error.
 */
int auth_notice_register(struct db *d, struct arena *a, const char *email,
    const char *addr);

/*
 * Takes the notices of user_id not yet seen, newest first, and marks
 * them seen, so that they are given once.  Sets *out (in a) to at most
 * AUTH_NOTICES_KEEP of them and *n to how many, and *total to how many
 * attempts there were in all (more than *n when older ones were
 * dropped).  0, or -1 on a database error (nothing marked).
 */
int auth_notices_take(struct db *d, struct arena *a, long long user_id,
    struct notice **out, size_t *n, long long *total);

/*
 * Checks email and password.  Returns the user's id when they match an
 * enabled account, 0 when they do not (taking as long as a match would),
 * -1 on a database error.
 */
long long auth_check_password(struct db *d, struct arena *a,
    const char *email, const char *password);

/* Sets the password of user_id; 0, or -1 on a database or hashing
 * error.  Sessions are left alone: the caller ends them. */
int auth_password_set(struct db *d, long long user_id, const char *password);

#endif
