/*
 * view.h - ClearSilver template rendering: the one place HTML is made.
 *
 * Every template is rendered with Config.VarEscapeMode = html, so each
 * <?cs var:x ?> is HTML-escaped; a template that needs raw output must
 * say so with <?cs var:html_strip(x) ?>-style functions and a comment,
 * and scripts/lint.sh rejects the raw escape-bypass forms.
 */
#ifndef NESTEGG_VIEW_H
#define NESTEGG_VIEW_H

#include <ClearSilver.h>
#include <stddef.h>

#include "buf.h"

/* Call once per process, before any thread renders. */
void view_global_init(void);

/* Frees the calling thread's parsed templates; call before it ends. */
void view_thread_end(void);

/*
 * Renders <dir>/<name>.cs with the data in hdf, appending to out.  The
 * template is parsed once per thread with html escaping (view.c); dir
 * must stay valid for the life of the process.  Returns 0, or -1 with a
 * message in err (errlen bytes); out may hold partial output.
 */
int view_render(HDF *hdf, const char *dir, const char *name,
    struct buf *out, char *err, size_t errlen);

/* hdf_set_value that cannot fail silently: aborts on out-of-memory. */
void view_set(HDF *hdf, const char *name, const char *value);
void view_setf(HDF *hdf, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void view_set_int(HDF *hdf, const char *name, long long v);

/*
 * Appends every value below node to out as "path\0value\0" pairs, paths
 * relative to node with prefix put in front; view_restore() sets them
 * again.  Values are set, never parsed, so any text is safe.
 */
void view_snapshot(HDF *node, const char *prefix, struct buf *out);
void view_restore(HDF *hdf, const char *data, size_t len);

#endif
