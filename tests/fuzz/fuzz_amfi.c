/*
 * libFuzzer target: the AMFI NAVAll.txt and NAV history parsers
 * (lib/feeds/amfi.c) on arbitrary bytes.  Whatever they are, each must
 * answer 0 with FEED_OK or -1 with a printable error and nothing kept,
 * and give quotes (in INR) or closes of the schemes asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feedcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codes[2] = { "119551", "1" };
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
	feed_result_init(&r);
	rc = feed_amfi_history_parse((const char *)data, size, codes, 2, &r);
	check(rc, &r);
	for (size_t i = 0; i < r.ncloses; i++)
		if (strcmp(r.closes[i].symbol, codes[0]) != 0 &&
		    strcmp(r.closes[i].symbol, codes[1]) != 0)
			abort();
	feed_result_free(&r);
	return 0;
}
