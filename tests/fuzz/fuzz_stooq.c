/*
 * libFuzzer target: the Stooq CSV parser (lib/feeds/stooq.c) on
 * arbitrary bytes, for one fixed symbol.  Whatever they are, it must
 * answer 0 with FEED_OK or -1 with a printable error and nothing kept,
 * and give quotes and closes of the right shape, closes oldest first.
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
	rc = feed_stooq_parse((const char *)data, size, "aapl.us", &r);
	check(rc, &r);
	if (rc == 0 && (r.nquotes != 1 || r.ncloses == 0 ||
	    strcmp(r.quotes[0].symbol, "aapl.us") != 0))
		abort();
	for (size_t i = 1; i < r.ncloses; i++)
		if (strcmp(r.closes[i - 1].day, r.closes[i].day) >= 0)
			abort();	/* oldest first */
	feed_result_free(&r);
	return 0;
}
