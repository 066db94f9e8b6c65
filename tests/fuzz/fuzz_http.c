/*
 * libFuzzer target: request parsing (lib/http.c) on arbitrary bytes.
 * Any crash, leak or sanitizer report is a bug; run with make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct kvlist l;
	char *s = malloc(size + 1), *out;

	memcpy(s, data, size);
	s[size] = '\0';
	arena_init(&a);
	memset(&l, 0, sizeof(l));
	http_parse_urlencoded(&a, &l, s, size);
	memset(&l, 0, sizeof(l));
	http_parse_cookies(&a, &l, s);
	memset(&l, 0, sizeof(l));
	http_parse_multipart(&a, &l, s, size,
	    "multipart/form-data; boundary=xyz");
	http_decode(&a, s, size, 1, &out, NULL);
	utf8_valid(s, size);
	http_media_type(&a, s);
	arena_free(&a);
	free(s);
	return 0;
}
