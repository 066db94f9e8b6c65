/*
 * log.c - one-line log messages (see log.h).
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int to_syslog;

void
log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	to_syslog = 1;
}

static void
vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t n = 0;
	int k, saved = errno;		/* for %m in fmt */

	if (!to_syslog) {
		/* gmtime_r takes glibc's time zone lock: a page worker's
		 * threads, a line a request each, waited on it.  Each thread
		 * formats its second once. */
		static __thread time_t stamp_sec = -1;
		static __thread char stamp[32];
		static __thread size_t stamp_len;

		clock_gettime(CLOCK_REALTIME, &ts);
		if (ts.tv_sec != stamp_sec) {
			gmtime_r(&ts.tv_sec, &tm);
			stamp_len = strftime(stamp, sizeof(stamp),
			    "%Y-%m-%dT%H:%M:%SZ ", &tm);
			stamp_sec = ts.tv_sec;
		}
		memcpy(line, stamp, stamp_len);
		n = stamp_len;
	}
	k = snprintf(line + n, sizeof(line) - n, "%s ", level);
	if (k > 0)
		n += (size_t)k;
	errno = saved;
	k = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (k > 0)
		n += (size_t)k < sizeof(line) - n - 1 ? (size_t)k :
		    sizeof(line) - n - 2;
	/* Keep it one line whatever the message holds. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (to_syslog) {
		line[n] = '\0';
		syslog(prio, "%s", line);
		return;
	}
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

#define LOGFN(name, prio, level) \
void name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	vlog(prio, level, fmt, ap); \
	va_end(ap); \
}

LOGFN(log_info, LOG_INFO, "info")
LOGFN(log_warn, LOG_WARNING, "warn")
LOGFN(log_error, LOG_ERR, "error")
