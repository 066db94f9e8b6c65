/*
 * libFuzzer target: CSV parsing (lib/csv.c) on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct csv csv;
	size_t line;

	arena_init(&a);
	if (csv_parse(&a, (const char *)data, size, &csv, &line) == NULL)
		for (size_t i = 0; i < csv.n; i++)
			if (csv.rec[i].n == 0 || csv.rec[i].line == 0)
				abort();
	arena_free(&a);
	return 0;
}
