/*
 * libFuzzer target: the AMFI NAVAll.txt parser (lib/feeds/amfi.c) on
 * arbitrary bytes.  Whatever they are, it must answer 0 with FEED_OK or
 * -1 with a printable error and nothing kept, and give quotes (in INR)
 * of the right shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feedcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_result r;
	int rc;

	feed_result_init(&r);
	rc = feed_amfi_parse((const char *)data, size, &r);
	check(rc, &r);
	for (size_t i = 0; i < r.nquotes; i++)
		if (strcmp(r.quotes[i].currency, "INR") != 0 ||
		    r.quotes[i].symbol[0] == '\0')
			abort();
	feed_result_free(&r);
	return 0;
}
