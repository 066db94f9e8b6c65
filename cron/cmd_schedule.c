/*
 * cmd_schedule.c - nestegg schedule: runs the entries of the crontab
 * (cron/nestegg.cron) on their schedule, in the foreground, for a stack
 * without a system cron (make run starts it).  --every-fetch SECONDS runs
 * the fetch entry that often instead (make run fetches every minute).
 *
 * In each entry @ROOT@/build/nestegg becomes this program, @ROOT@ the
 * checkout and @VAR@ the stack's state directory.  An entry still
 * running when it is due again is not started twice.  What the jobs
 * print goes to $NESTEGG_VAR/log/cron.log.  SIGTERM or SIGINT stops the
 * scheduler and the jobs it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cronexpr.h"

#define MAX_ENTRIES 32

struct entry {
	struct cronexpr when;
	char *command;
	int fetch;		/* runs "nestegg fetch" */
	pid_t pid;		/* running, or 0 */
};

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* s with every from replaced by to (heap). */
static char *
replace(const char *s, const char *from, const char *to)
{
	struct buf b;
	const char *hit;

	buf_init(&b);
	while ((hit = strstr(s, from)) != NULL) {
		buf_append(&b, s, (size_t)(hit - s));
		buf_puts(&b, to);
		s = hit + strlen(from);
	}
	buf_puts(&b, s);
	return b.data;
}

static void
say(int log, const char *what, const char *command)
{
	char line[1200], when[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	n = snprintf(line, sizeof(line), "%s %s: %.1000s\n", when, what,
	    command);
	if (n > 0 && write(log, line, (size_t)n) < 0)
		return;
}

static pid_t
run(int log, const char *command)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	dup2(log, STDOUT_FILENO);
	dup2(log, STDERR_FILENO);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

int
cmd_schedule(struct cli *c, int argc, char **argv)
{
	struct entry e[MAX_ENTRIES];
	char path[700], self[512], logpath[600], *text, *line, *save;
	int n = 0, log;
	long every = 0;
	ssize_t k;
	time_t next_fetch = 0, last_minute = 0;

	snprintf(path, sizeof(path), "%s/cron/nestegg.cron", c->cfg.home);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--every-fetch") == 0 && i + 1 < argc)
			every = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			snprintf(path, sizeof(path), "%s", argv[++i]);
		else
			return 2;
	}
	if ((k = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return cli_fail("%s", "cannot tell where this program is");
	self[k] = '\0';
	if ((text = cli_read_file(path, NULL)) == NULL)
		return cli_fail("cannot read %s", path);
	for (line = strtok_r(text, "\n", &save); line && n < MAX_ENTRIES;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *cmd;
		char *a, *b;

		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#' || *line == '\0')
			continue;
		if (cronexpr_parse(line, &e[n].when, &cmd) != 0) {
			fprintf(stderr, "nestegg: %s: not a crontab line: %s\n",
			    path, line);
			free(text);
			return 1;
		}
		a = replace(cmd, "@ROOT@/build/nestegg", self);
		b = replace(a, "@ROOT@", c->cfg.home);
		free(a);
		e[n].command = replace(b, "@VAR@", c->cfg.var);
		free(b);
		e[n].fetch = strstr(e[n].command, " fetch") != NULL;
		e[n].pid = 0;
		n++;
	}
	free(text);
	/* The scheduler itself needs no database. */
	db_close(&c->db);
	snprintf(logpath, sizeof(logpath), "%s/log/cron.log", c->cfg.var);
	if ((log = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) < 0)
		return cli_fail("cannot open %s", logpath);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	printf("schedule: %d entries from %s%s; output in %s\n", n, path,
	    every > 0 ? ", fetching on its own interval" : "", logpath);
	fflush(stdout);
	while (!stopping) {
		time_t now = time(NULL);
		struct tm tm;
		pid_t done;
		int status;

		while ((done = waitpid(-1, &status, WNOHANG)) > 0)
			for (int i = 0; i < n; i++)
				if (e[i].pid == done)
					e[i].pid = 0;
		gmtime_r(&now, &tm);
		for (int i = 0; i < n; i++) {
			int due;

			if (e[i].fetch && every > 0)
				due = now >= next_fetch;
			else
				due = now / 60 != last_minute &&
				    cronexpr_match(&e[i].when, &tm);
			if (!due)
				continue;
			if (e[i].fetch && every > 0)
				next_fetch = now + every;
			if (e[i].pid != 0) {
				say(log, "still running, not started",
				    e[i].command);
				continue;
			}
			say(log, "run", e[i].command);
			if ((e[i].pid = run(log, e[i].command)) < 0) {
				say(log, "cannot start", e[i].command);
				e[i].pid = 0;
			}
		}
		last_minute = now / 60;
		sleep(1);
	}
	for (int i = 0; i < n; i++)
		if (e[i].pid > 0)
			kill(e[i].pid, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	for (int i = 0; i < n; i++)
		free(e[i].command);
	close(log);
	return 0;
}
