/*
 * GET /portfolios/#/export.csv - the portfolio's transactions as CSV, in
 * the import format (importing it elsewhere gives the same holdings).
 */
#include <ctype.h>
#include <string.h>

#include "import.h"
#include "web.h"

int
page_export_csv(struct req *r)
{
	struct portfolio pf;
	char *name;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	buf_reset(&r->out);
	if (export_csv(r->db, r->a, &pf, &r->out) != 0)
		return web_db_error(r);
	/* A file name of letters and digits only: nothing to escape. */
	name = arena_printf(r->a, "nestegg-%lld-%s.csv", pf.id, pf.name);
	for (char *p = name + 8; *p && p < name + 60; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '_';
	if (strlen(name) > 64)
		strcpy(name + 60, ".csv");
	web_header(r, "Content-Disposition", arena_printf(r->a,
	    "attachment; filename=\"%s\"", name));
	r->content_type = "text/csv; charset=utf-8";
	r->rendered = 1;
	return 200;
}
