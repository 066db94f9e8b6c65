/*
 * libFuzzer target: the CoinGecko simple/price and market chart parsers
 * (lib/feeds/coingecko.c) on arbitrary bytes.  Whatever they are, it
 * must answer 0 with FEED_OK or -1 with a printable error and nothing
 * kept, and give quotes and closes of the right shape.
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
	rc = feed_coingecko_parse((const char *)data, size, 1715356800, &r);
	check(rc, &r);
	for (size_t i = 0; i < r.nquotes; i++)
		if (strlen(r.quotes[i].currency) != 3)
			abort();
	feed_result_free(&r);
	feed_result_init(&r);
	rc = feed_coingecko_chart_parse((const char *)data, size, "bitcoin",
	    "usd", &r);
	check(rc, &r);
	for (size_t i = 1; i < r.ncloses; i++)
		if (strcmp(r.closes[i - 1].day, r.closes[i].day) >= 0)
			abort();
	feed_result_free(&r);
	return 0;
}
