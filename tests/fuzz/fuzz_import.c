/*
 * libFuzzer target: the import readers (lib/importfmt.c: nestegg's CSV,
 * Ghostfolio's JSON and CSV, Interactive Brokers, Portfolio Performance,
 * a generic CSV) on arbitrary bytes.  The first byte picks the format
 * (or "auto"); the rest is the file.  Whatever it is, a reader answers
 * 0 with rows, or -1 with a reason, and never more rows than bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "importfmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_file out;
	struct arena a;
	int rc, f;

	if (size == 0)
		return 0;
	f = data[0] % IF__MAX;
	arena_init(&a);
	rc = import_read(&a, (const char *)data + 1, size - 1,
	    (enum import_format)f, NULL, &out);
	if (rc != 0 && out.error == NULL && !out.needs_mapping)
		abort();
	if (rc == 0 && out.n > size)
		abort();
	arena_free(&a);
	return 0;
}
