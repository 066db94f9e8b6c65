/*
 * cmd_revalue.c - nestegg revalue [--all]: one valuation run (revalue.h)
 * over what changed since the last, or over every portfolio.
 */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "cli.h"
#include "epoch.h"
#include "portfolio.h"
#include "revalue.h"

/* Runs a valuation run and prints one line about it; 0 or 1. */
int
cli_revalue(struct cli *c, int all)
{
	struct stale_policy sp;
	struct revalue_opts o;
	struct revalue_result res;

	pf_stale_policy(&c->cfg, &sp);
	memset(&o, 0, sizeof(o));
	o.all = all;
	o.sp = &sp;
	o.runs_keep = c->cfg.runs_keep;
	o.lock_wait = 120;
	if (revalue_run(&c->db, &o, &res) != 0)
		return cli_fail("valuation run failed: %s", c->db.errmsg);
	if (res.run_id != 0) {
		epoch_bump(EPOCH_RUN);	/* open streams hear of it at once */
		cache_shared_changed(&c->db);	/* pages, on every host */
	}
	if (res.run_id == 0)
		cli_job(0, "valuation: nothing changed (%ld changes seen)",
		    res.changes);
	else
		cli_job(0, "valuation run %lld: %ld portfolios in %ld ms (%ld "
		    "changes)", res.run_id, res.portfolios, res.ms,
		    res.changes);
	return 0;
}

int
cmd_revalue(struct cli *c, int argc, char **argv)
{
	int all = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = 1;
		else
			return 2;
	}
	return cli_revalue(c, all);
}
