/*
 * libFuzzer target: the import readers (lib/importfmt.c: nestegg's CSV,
 * Ghostfolio's JSON and CSV, Interactive Brokers, Portfolio Performance,
 * a generic CSV, the presets) on arbitrary bytes.  The first byte picks
 * the format (or "auto"); the rest is the file.  For a generic CSV, what
 * comes before a NUL byte is its mapping (import_mapping_parse: JSON or
 * the older pairs), the file after it.  Whatever it is, a reader
 * answers 0 with rows, or -1 with a reason, and never more rows than
 * bytes; a mapping read is written back to the same mapping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "importfmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_file out;
	struct import_mapping m, back, *map = NULL;
	struct arena a;
	const char *text, *nul;
	size_t len;
	int rc, f;

	if (size == 0)
		return 0;
	f = data[0] % IF__MAX;
	text = (const char *)data + 1;
	len = size - 1;
	arena_init(&a);
	if (f == IF_GENERIC && (nul = memchr(text, '\0', len)) != NULL) {
		if (import_mapping_parse(&a, text, &m) == NULL) {
			const char *json = import_mapping_format(&a, &m);

			if (import_mapping_parse(&a, json, &back) != NULL ||
			    strcmp(import_mapping_format(&a, &back), json) != 0)
				abort();
			map = &m;
		}
		len -= (size_t)(nul + 1 - text);
		text = nul + 1;
	}
	rc = import_read(&a, text, len, (enum import_format)f, map, &out);
	if (rc != 0 && out.error == NULL && !out.needs_mapping)
		abort();
	if (rc == 0 && out.n > size)
		abort();
	arena_free(&a);
	return 0;
}
