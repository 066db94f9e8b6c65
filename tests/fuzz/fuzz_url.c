/*
 * libFuzzer target: the generic URL source parser (lib/feeds/url.c) on
 * arbitrary bytes: the first line of the input is the field, the rest
 * the body.  Whatever they are, it must answer 0 with FEED_OK and one
 * quote as of now, or -1 with a printable error and nothing kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feedcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t flen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	char field[256];
	struct feed_result r;
	int rc;

	if (flen >= sizeof(field))
		return 0;
	memcpy(field, data, flen);
	field[flen] = '\0';
	data += nl != NULL ? flen + 1 : flen;
	size -= nl != NULL ? flen + 1 : flen;
	feed_result_init(&r);
	rc = feed_url_parse((const char *)data, size, field, "XYZ", 1715356800,
	    &r);
	check(rc, &r);
	if (rc == 0 && (r.nquotes != 1 || r.quotes[0].as_of != 1715356800 ||
	    strcmp(r.quotes[0].day, "2024-05-10") != 0))
		abort();
	feed_result_free(&r);
	return 0;
}
