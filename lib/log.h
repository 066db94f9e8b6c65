/*
 * log.h - one-line log messages on standard error, which the stack
 * scripts send to $NESTEGG_VAR/log/, or to syslog (the "log = syslog"
 * setting).  Safe to call from any thread.
 */
#ifndef NESTEGG_LOG_H
#define NESTEGG_LOG_H

/* From now on, sends each line to syslog (facility daemon, the
 * process's pid, ident as its name: kept, not copied), without the
 * time, at the priority of its level.  Call once, before threads. */
void log_to_syslog(const char *ident);

/* Writes "<UTC time> <level> <message>\n" as one write(2), or
 * "<level> <message>" to syslog. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
