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
	char db_name[64];
	char db_user[64];	/* web account */
	char db_password[128];
	char admin_user[64];	/* schema owner, used by "nestegg migrate" */
	char admin_password[128];
	long session_idle;	/* seconds of inactivity before sign-out */
	long session_max;	/* seconds after sign-in before sign-out */
	long body_max;		/* largest accepted request body, bytes */
	int login_free_failures; /* failures before logins are slowed */
	int threads;		/* FastCGI threads per worker process */
};

/*
 * Fills c from the sources above.  Returns 0, or -1 with a message in
 * err (errlen bytes) if the file exists but cannot be read or holds an
 * unknown key or a bad number.
 */
int config_load(struct config *c, char *err, size_t errlen);

/* Sets one setting by name from text; 0 on success, -1 if unknown/bad. */
int config_set(struct config *c, const char *key, const char *value);

#endif
