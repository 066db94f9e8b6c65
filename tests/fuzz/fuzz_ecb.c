/*
 * libFuzzer target: the ECB reference rates parser (lib/feeds/ecb.c) on
 * arbitrary bytes.  Whatever they are, it must answer 0 with FEED_OK and
 * quotes in EUR, or -1 with a printable error and nothing kept, and give
 * quotes and closes of the right shape.
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
	rc = feed_ecb_parse((const char *)data, size, &r);
	check(rc, &r);
	if (rc == 0 && (r.nquotes == 0 || r.ncloses < r.nquotes))
		abort();
	for (size_t i = 0; i < r.nquotes; i++)
		if (strcmp(r.quotes[i].currency, "EUR") != 0 ||
		    strlen(r.quotes[i].symbol) != 3)
			abort();
	feed_result_free(&r);
	return 0;
}
