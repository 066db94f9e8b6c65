/*
 * sse.h - Server-Sent Events, and the FastCGI records that carry them.
 * Pure code: it writes bytes into buffers and does no I/O.
 *
 * Every "data:" line of every event is written by sse_event(), which
 * splits the data at each line break (CR, LF or CRLF) and starts a new
 * "data:" line there: whatever the data holds, it cannot end the event
 * early, start another field or inject another event.  Fields that are
 * not data (id, event) must be one line already: sse_event() drops any
 * line break in them.
 */
#ifndef NESTEGG_SSE_H
#define NESTEGG_SSE_H

#include <stddef.h>

#include "buf.h"

/* Appends an event: "id: ID", "event: NAME" (when not NULL), one
 * "data: " line per line of data (len bytes), and the blank line that
 * ends it. */
void sse_event(struct buf *out, const char *id, const char *name,
    const char *data, size_t len);

/* Appends a comment line (": text"), which browsers ignore: a
 * heartbeat.  Line breaks in text are dropped. */
void sse_comment(struct buf *out, const char *text);

/* Appends "retry: MS" and a blank line: how long a browser waits before
 * reconnecting. */
void sse_retry(struct buf *out, long ms);

/*
 * FastCGI: appends len bytes of data as FCGI_STDOUT records of request
 * id (at most 65535 bytes a record, none for len 0).
 */
void fcgi_stdout(struct buf *out, int id, const char *data, size_t len);

/* Appends the end of request id: an empty FCGI_STDOUT record and
 * FCGI_END_REQUEST with status 0. */
void fcgi_end(struct buf *out, int id);

#endif
