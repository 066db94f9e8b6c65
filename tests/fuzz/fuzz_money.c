/*
 * libFuzzer target: decimals and dates (lib/money.c, lib/ledger.c).
 * A parsed decimal must print and parse back to itself exactly, and
 * arithmetic on it must never crash; a parsed date must be YYYY-MM-DD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "money.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], buf[DEC_BUFSZ], date[11];
	dec d, back;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (dec_parsen(s, size, &d) == 0) {
		if (dec_parse(dec_format(d, -1, buf), &back) != 0 ||
		    dec_cmp(d, back) != 0)
			abort();
		dec_format_grouped(dec_mul(d, d), 2, buf);
		dec_format(dec_div(DEC_ONE, d), 12, buf);
		dec_round(dec_sub(d, DEC_ONE), 0);
	}
	if (ledger_date(s, date) == NULL && (strlen(date) != 10 ||
	    date[4] != '-' || date[7] != '-'))
		abort();
	return 0;
}
