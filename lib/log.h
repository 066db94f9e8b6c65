/*
 * log.h - one-line log messages on standard error, which the stack
 * scripts send to $NESTEGG_VAR/log/.  Safe to call from any thread.
 */
#ifndef NESTEGG_LOG_H
#define NESTEGG_LOG_H

/* Writes "<UTC time> <level> <message>\n" as one write(2). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
