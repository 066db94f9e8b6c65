/*
 * cmd_backup.c - nestegg backup and nestegg restore: consistent online
 * backups of the database, compressed, kept by count and by age.
 *
 * A backup is taken from one database node of db_nodes: the last that
 * serves (a plain server, or a Galera node synced in a Primary
 * component; the other processes start at the first).  It is
 * mariadb-dump --single-transaction (one consistent snapshot; the site
 * keeps serving, nothing is locked but for a moment to note the binary
 * log's position when it is on), every table, routine and trigger,
 * with DROP and CREATE DATABASE so that a restore replaces the whole
 * database.  On a Galera node the backup first waits for the node to
 * have applied every write set the cluster committed (wsrep_sync_wait),
 * so that the dump holds every commit acknowledged before it began, and
 * notes the Galera position (cluster state uuid and seqno) before and
 * after the dump in comment lines at its end, after the node's name.  It is written
 * compressed to backup_dir/nestegg-YYYYMMDDTHHMMSSZ.sql.gz through a
 * ".part" file, synced, then renamed: a file with the final name is
 * whole.  Then the backups beyond backup_keep, and those older than
 * backup_days, go (the newest stays, whatever its age).
 *
 * A restore goes to the first node that serves; on a cluster, the
 * others receive it by replication.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "cli.h"
#include "cluster.h"
#include "epoch.h"

#define PREFIX "nestegg-"
#define SUFFIX ".sql.gz"
#define DONE_MARK "-- Dump completed"

/* Writes a client option file with the admin account's password (mode
 * 600) into path; 0 or -1.  Without a password, unix-socket
 * authentication is used and no file is needed. */
static int
option_file(const struct config *c, char *path, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, len, "%s/tmp", c->var);
	mkdir(path, 0700);
	snprintf(path, len, "%s/tmp/backup-XXXXXX", c->var);
	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fprintf(f, "[client]\npassword=\"%s\"\n", c->admin_password);
	return fclose(f) == 0 ? 0 : -1;
}

/* The client's connection arguments for node into argv from k;
 * returns the new k.  opts is the option file, or "". */
static int
connect_args(const struct config *c, const struct db_node *node,
    const char *opts, const char **argv, int k)
{
	static char buf[4][600];

	if (*opts) {
		snprintf(buf[0], sizeof(buf[0]), "--defaults-extra-file=%s",
		    opts);
		argv[k++] = buf[0];
	}
	if (*node->socket) {
		snprintf(buf[1], sizeof(buf[1]), "--socket=%s", node->socket);
		argv[k++] = buf[1];
	} else {
		snprintf(buf[1], sizeof(buf[1]), "--host=%s", node->host);
		snprintf(buf[3], sizeof(buf[3]), "--port=%d", node->port);
		argv[k++] = buf[1];
		argv[k++] = buf[3];
	}
	snprintf(buf[2], sizeof(buf[2]), "--user=%s", c->admin_user);
	argv[k++] = buf[2];
	return k;
}

/* Starts argv with its standard output (out) or input (in) a pipe to
 * us: *fd is our end.  Returns the pid, or -1. */
static pid_t
spawn(const char *const *argv, int out, int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(out ? p[1] : p[0], out ? STDOUT_FILENO : STDIN_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "nestegg: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(out ? p[1] : p[0]);
	*fd = out ? p[0] : p[1];
	return pid;
}

static int
finished(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the backups past keep (newest first) and those older than
 * days (0: no limit), never the newest; says how many went. */
static int
rotate(const char *dir, long keep, long days, time_t now)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int removed = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 ||
		    len < strlen(SUFFIX) || strcmp(e->d_name + len -
		    strlen(SUFFIX), SUFFIX) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((names = realloc(names, cap * sizeof(*names))) ==
			    NULL)
				abort();
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	/* The names sort by time: the newest last. */
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i + 1 < n; i++) {
		char path[1400];
		struct stat st;
		int old;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		old = days > 0 && stat(path, &st) == 0 &&
		    now - st.st_mtime > days * 86400;
		if ((keep > 0 && n - i > (size_t)keep) || old)
			removed += unlink(path) == 0;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return removed;
}

/* The node to dump from or restore to (backup: the last that serves,
 * else the first) into *i and *node, connected as d (the admin account)
 * unless d is NULL (a restore: the database may be gone); 0, or 1 after
 * saying why not. */
static int
pick_node(struct cli *c, int backup, struct cluster *cl, struct db *d,
    size_t *i, struct db_node *node)
{
	int pick = -1;

	cluster_probe(&c->cfg, 1, cl);
	if (backup)
		pick = cluster_backup_node(cl);
	else
		for (size_t k = 0; k < cl->n && pick < 0; k++)
			if (cluster_serves(&cl->node[k]))
				pick = (int)k;
	if (pick < 0)
		return cli_fail("no database node serves (%s)", cl->n ?
		    cl->node[0].error : "none listed");
	if (d == NULL) {
		*i = (size_t)pick;
		config_db_node(&c->cfg, *i, node);
		return 0;
	}
	db_init(d, &c->cfg, 1);
	d->node = (size_t)pick;
	if (db_connect(d) != 0) {
		cli_fail("%s", d->errmsg);
		db_close(d);
		return 1;
	}
	/* db_connect moves on from a node lost since the probe. */
	*i = d->node % cl->n;
	config_db_node(&c->cfg, *i, node);
	return 0;
}

/*
 * The Galera position of d's node, "uuid:seqno", into pos; with sync,
 * once the node has applied every write set the cluster committed
 * before the call (wsrep_sync_wait: a causal read).  0 or -1.
 */
static int
galera_position(struct db *d, struct arena *a, int sync, char *pos,
    size_t len)
{
	static const char wait_on[] = "SET SESSION wsrep_sync_wait = 1";
	static const char wait_off[] = "SET SESSION wsrep_sync_wait = 0";
	static const char sql[] = "SELECT "
	    "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
	    "WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATE_UUID'), "
	    "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
	    "WHERE VARIABLE_NAME = 'WSREP_LAST_COMMITTED')";
	struct dbres r;
	int rc;

	if (sync && db_exec(d, a, NULL, wait_on, "") != 0)
		return -1;
	rc = db_exec(d, a, &r, sql, "");
	if (sync)
		db_exec(d, a, NULL, wait_off, "");
	if (rc != 0 || r.nrows != 1 || db_val(&r, 0, 0) == NULL ||
	    db_val(&r, 0, 1) == NULL)
		return -1;
	snprintf(pos, len, "%s:%s", db_val(&r, 0, 0), db_val(&r, 0, 1));
	return 0;
}

/* Copies the dump from fd into gz; 1 when all of it was written and its
 * last line says it completed; *total counts its bytes. */
static int
copy_dump(int fd, gzFile gz, size_t *total)
{
	char buf[1 << 16], tail[64] = "";
	ssize_t got;
	int ok = 1;

	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (gzwrite(gz, buf, (unsigned)got) != (int)got)
			ok = 0;
		*total += (size_t)got;
		/* The dump's last line says it completed. */
		if ((size_t)got >= sizeof(tail) - 1)
			memcpy(tail, buf + got - (sizeof(tail) - 1),
			    sizeof(tail) - 1);
		else {
			size_t keep = sizeof(tail) - 1 - (size_t)got;

			memmove(tail, tail + got, keep);
			memcpy(tail + keep, buf, (size_t)got);
		}
		tail[sizeof(tail) - 1] = '\0';
	}
	return ok && strstr(tail, DONE_MARK) != NULL;
}

int
cmd_backup(struct cli *c, int argc, char **argv)
{
	const char *dir = *c->cfg.backup_dir ? c->cfg.backup_dir : NULL;
	const char *args[24];
	char defdir[1100], final[1200], part[1210], opts[1100] = "";
	char stamp[32], before[128] = "", after[128] = "";
	struct cluster cl;
	struct db_node node;
	struct db nd;
	struct dbres r;
	time_t now = time(NULL);
	struct tm tm;
	gzFile gz;
	size_t total = 0, i = 0;
	int quiet = cli_flag(argc, argv, "--quiet"), fd, k = 0, ok, gzfd;
	int galera;
	pid_t pid;

	for (int j = 0; j < argc; j++)
		if (strcmp(argv[j], "--quiet") != 0)
			return 2;
	if (dir == NULL) {
		snprintf(defdir, sizeof(defdir), "%s/backups", c->cfg.var);
		dir = defdir;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_fail("cannot make %s", dir);
	if (pick_node(c, 1, &cl, &nd, &i, &node) != 0)
		return 1;
	galera = cl.node[i].galera;
	if (galera && galera_position(&nd, &c->a, 1, before,
	    sizeof(before)) != 0) {
		cli_fail("cannot read the Galera position: %s", nd.errmsg);
		db_close(&nd);
		return 1;
	}
	if (*c->cfg.admin_password && option_file(&c->cfg, opts,
	    sizeof(opts)) != 0) {
		db_close(&nd);
		return cli_fail("cannot write a client option file in %s/tmp",
		    c->cfg.var);
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	snprintf(final, sizeof(final), "%s/" PREFIX "%s" SUFFIX, dir, stamp);
	snprintf(part, sizeof(part), "%s.part", final);
	args[k++] = "mariadb-dump";
	k = connect_args(&c->cfg, &node, opts, args, k);
	args[k++] = "--single-transaction";
	args[k++] = "--quick";
	args[k++] = "--routines";
	args[k++] = "--events";
	args[k++] = "--triggers";
	args[k++] = "--hex-blob";
	args[k++] = "--add-drop-database";
	/* With the binary log on, where it stood: point-in-time recovery
	 * replays it from there. */
	if (db_exec(&nd, &c->a, &r, "SELECT @@log_bin", "") == 0 &&
	    r.nrows == 1 && db_int(&r, 0, 0) == 1)
		args[k++] = "--master-data=2";
	args[k++] = "--databases";
	args[k++] = c->cfg.db_name;
	args[k] = NULL;
	if ((gzfd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || (gz = gzdopen(gzfd, "wb6")) == NULL) {
		if (*opts)
			unlink(opts);
		db_close(&nd);
		return cli_fail("cannot write %s", part);
	}
	if ((pid = spawn(args, 1, &fd)) < 0) {
		gzclose(gz);
		unlink(part);
		if (*opts)
			unlink(opts);
		db_close(&nd);
		return cli_fail("cannot start %s", "mariadb-dump");
	}
	ok = copy_dump(fd, gz, &total);
	close(fd);
	ok &= finished(pid);
	if (*opts)
		unlink(opts);
	/* Where it came from, after the dump (whose first line must stay
	 * its own). */
	if (galera && ok)
		ok = galera_position(&nd, &c->a, 0, after, sizeof(after)) == 0;
	gzprintf(gz, "-- nestegg backup from database node %s (%s)\n",
	    cl.node[i].name, galera ? "a Galera node, synced" :
	    "a plain server");
	if (galera)
		gzprintf(gz, "-- Galera position before the dump: %s (every "
		    "commit of the cluster up to it is in this dump)\n"
		    "-- Galera position after the dump: %s (the dump's "
		    "snapshot lies between the two)\n", before, after);
	db_close(&nd);
	ok &= gzflush(gz, Z_FINISH) == Z_OK && fsync(gzfd) == 0;
	ok &= gzclose(gz) == Z_OK;
	if (!ok || rename(part, final) != 0) {
		unlink(part);
		return cli_fail("backup failed: mariadb-dump did not complete "
		    "(%s left as it was)", dir);
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	k = rotate(dir, c->cfg.backup_keep, c->cfg.backup_days, now);
	cli_job(quiet, "backup: %s from %s (%zu bytes of SQL)%s", final,
	    cl.node[i].name, total, k ? "; older backups removed" : "");
	return 0;
}

int
cmd_restore(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *args[16];
	char opts[1100] = "", buf[1 << 16];
	struct cluster cl;
	struct db_node node;
	gzFile gz;
	size_t at;
	int yes = 0, fd, n, k = 0, ok = 1;
	pid_t pid;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--yes") == 0)
			yes = 1;
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			return 2;
	}
	if (file == NULL)
		return 2;
	if (!yes)
		return cli_fail("restoring %s replaces every account, portfolio "
		    "and price of this stack: add --yes to go ahead", file);
	if ((gz = gzopen(file, "rb")) == NULL)
		return cli_fail("cannot read %s", file);
	if (pick_node(c, 0, &cl, NULL, &at, &node) != 0) {
		gzclose(gz);
		return 1;
	}
	if (*c->cfg.admin_password && option_file(&c->cfg, opts,
	    sizeof(opts)) != 0) {
		gzclose(gz);
		return cli_fail("cannot write a client option file in %s/tmp",
		    c->cfg.var);
	}
	args[k++] = "mariadb";
	k = connect_args(&c->cfg, &node, opts, args, k);
	args[k++] = "--binary-mode";
	args[k] = NULL;
	if ((pid = spawn(args, 0, &fd)) < 0) {
		gzclose(gz);
		if (*opts)
			unlink(opts);
		return cli_fail("cannot start %s", "mariadb");
	}
	while ((n = gzread(gz, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n) {
			ok = 0;
			break;
		}
	ok &= n == 0;
	gzclose(gz);
	close(fd);
	ok &= finished(pid);
	if (*opts)
		unlink(opts);
	if (!ok)
		return cli_fail("restore of %s failed: see the lines above",
		    file);
	/* Every worker's caches start afresh.  On other hosts they do as
	 * the database's marks, restored too, differ from their entries'
	 * (equal marks: nothing changed since the backup). */
	epoch_bump(EPOCH_DATA);
	epoch_bump(EPOCH_AUTH);
	printf("restored %s\n", file);
	return 0;
}
