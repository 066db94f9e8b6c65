/*
 * supervise.c - nestegg-supervise: keeps one long-running process
 * (a page worker, the live worker) running.
 *
 *   nestegg-supervise [--pidfile FILE] [--name NAME] -- CMD [ARG...]
 *
 * It starts CMD, and whenever CMD ends without having been told to
 * stop (a crash, SIGKILL, an exit), starts it again after a pause that
 * doubles from half a second up to 30 seconds with each quick death and
 * starts over once a run lasted a minute.  SIGTERM, SIGINT or SIGHUP is
 * passed on to CMD; once CMD has ended, nestegg-supervise ends too.
 * FILE always holds CMD's current pid; each start and each death is a
 * line on standard error.  Production runs the workers under systemd,
 * which does the same (see the README).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DELAY_MIN 0.5
#define DELAY_MAX 30.0
#define GOOD_RUN 60		/* seconds of a run that resets the pause */

static volatile sig_atomic_t stopping, stop_sig;
static volatile pid_t child;

static void
on_stop(int sig)
{
	stopping = 1;
	stop_sig = sig;
	if (child > 0)
		kill(child, SIGTERM);
}

static void say(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One line on standard error: the time, name, and what fmt says. */
static void
say(const char *name, const char *fmt, ...)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    gmtime_r(&now, &tm));
	fprintf(stderr, "%s nestegg-supervise %s: ", when, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
write_pid(const char *file, pid_t pid)
{
	char tmp[4096];
	FILE *f;

	if (file == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) == 0)
		rename(tmp, file);
}

int
main(int argc, char **argv)
{
	const char *pidfile = NULL, *name = "process";
	struct sigaction sa;
	sigset_t block, old;
	double delay = DELAY_MIN;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--pidfile") == 0 && i + 1 < argc)
			pidfile = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else
			break;
	}
	if (i >= argc - 1 || strcmp(argv[i], "--") != 0) {
		fputs("usage: nestegg-supervise [--pidfile FILE] [--name NAME] "
		    "-- CMD [ARG...]\n", stderr);
		return 2;
	}
	argv += i + 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	while (!stopping) {
		time_t started = time(NULL);
		struct timespec pause;
		pid_t pid;
		int st;

		/* No stop request slips between the fork and child's set. */
		sigprocmask(SIG_BLOCK, &block, &old);
		if ((pid = fork()) < 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			say(name, "cannot fork: %s", strerror(errno));
		} else if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			execv(argv[0], argv);
			fprintf(stderr, "nestegg-supervise %s: cannot run %s\n",
			    name, argv[0]);
			_exit(127);
		} else {
			child = pid;
			write_pid(pidfile, pid);
			sigprocmask(SIG_SETMASK, &old, NULL);
			say(name, "started pid %ld", (long)pid);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			child = 0;
			if (stopping)
				break;
			if (WIFSIGNALED(st))
				say(name, "pid %ld died of signal %d",
				    (long)pid, WTERMSIG(st));
			else
				say(name, "pid %ld exited with status %d",
				    (long)pid, WEXITSTATUS(st));
		}
		if (time(NULL) - started >= GOOD_RUN)
			delay = DELAY_MIN;
		say(name, "starting again in %ld ms", (long)(delay * 1000));
		pause.tv_sec = (time_t)delay;
		pause.tv_nsec = (long)((delay - (double)pause.tv_sec) * 1e9);
		while (!stopping && nanosleep(&pause, &pause) < 0 &&
		    errno == EINTR)
			;
		delay = delay * 2 > DELAY_MAX ? DELAY_MAX : delay * 2;
	}
	if (pidfile != NULL)
		unlink(pidfile);
	say(name, "stopped (signal %d)", (int)stop_sig);
	return 0;
}
