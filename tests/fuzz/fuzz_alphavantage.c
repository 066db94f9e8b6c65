/*
 * libFuzzer target: the Alpha Vantage GLOBAL_QUOTE parser
 * (lib/feeds/alphavantage.c) on arbitrary bytes.  Whatever they are, it
 * must answer 0 with FEED_OK and one quote, or -1 with a printable
 * error and nothing kept.
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
	rc = feed_alphavantage_parse((const char *)data, size, &r);
	check(rc, &r);
	if (rc == 0 && r.nquotes != 1)
		abort();
	feed_result_free(&r);
	return 0;
}
