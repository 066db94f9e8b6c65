/*
 * cmd_status.c - nestegg status [--json]: each database node (db_nodes)
 * and its Galera state, each source's health, the last fetch and
 * valuation runs, and the held instruments that need a look (the same
 * as the admin page).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cluster.h"
#include "portfolio.h"
#include "status.h"

static const char *
or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/* Each database node, a line each. */
static void
print_nodes(const struct cluster *cl)
{
	printf("Database nodes (%zu of %zu serving)\n", cl->serving, cl->n);
	for (size_t i = 0; i < cl->n; i++) {
		const struct cluster_node *n = &cl->node[i];

		printf("  %-30s ", n->name);
		if (!n->up)
			printf("DOWN: %s\n", n->error);
		else if (!n->galera)
			printf("ok (a plain server, no Galera)\n");
		else
			printf("%s %s, %s%s, cluster of %lld, last committed "
			    "%lld (%lld behind), queues %lld received %lld "
			    "to send, flow control paused %.3f\n",
			    cluster_serves(n) ? "ok" : "NOT SERVING",
			    or(n->state_comment, "?"), n->primary ? "Primary" :
			    "non-Primary", n->ready ? "" : ", not ready",
			    n->cluster_size, n->last_committed,
			    n->lag < 0 ? 0 : n->lag, n->recv_queue,
			    n->send_queue, n->fc_paused);
	}
}

int
cmd_status(struct cli *c, int argc, char **argv)
{
	struct stale_policy sp;
	struct cluster cl;
	struct status s;
	int json = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return 2;
	}
	cluster_probe(&c->cfg, 1, &cl);
	pf_stale_policy(&c->cfg, &sp);
	if (status_load(&c->db, &c->a, &sp, time(NULL), &s) != 0)
		return cli_db_fail(c);
	if (json) {
		json_object *o = status_json(&s);

		json_object_object_add(o, "database_nodes", cluster_json(&cl));

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return 0;
	}
	print_nodes(&cl);
	printf("\nSources (times UTC)\n");
	if (s.nsrc == 0)
		printf("  none asked yet\n");
	for (size_t i = 0; i < s.nsrc; i++) {
		const struct status_source *x = &s.src[i];

		printf("  %-13s %-7s last success %-19s  quotes %lld, errors "
		    "%lld\n", x->name, x->failing ? "FAILING" : "ok",
		    or(x->last_success, "never"), x->last_quotes, x->errors);
		if (x->last_error_at)
			printf("  %-13s         last error %s: %s\n", "",
			    x->last_error_at, x->last_error);
	}
	printf("\nFetch runs\n");
	for (size_t i = 0; i < s.nfetch; i++) {
		const struct status_fetch *x = &s.fetch[i];

		printf("  #%-6lld %s %6lld ms  %lld instruments, %lld requests: "
		    "%lld stored, %lld unchanged, %lld refused, %lld missing, "
		    "%lld rates%s%s\n", x->id, x->started, x->duration_ms,
		    x->instruments, x->requests, x->stored, x->unchanged,
		    x->rejected, x->missing, x->rates,
		    *x->failed_sources ? "; failed: " : "", x->failed_sources);
	}
	printf("\nValuation runs (%lld changes waiting)\n", s.pending_changes);
	for (size_t i = 0; i < s.nval; i++) {
		const struct status_valuation *x = &s.val[i];

		printf("  #%-6lld %s %6lld ms  %lld portfolios (%s, %lld "
		    "changes), prices as of %s\n", x->id, x->started,
		    x->duration_ms, x->portfolios, x->scope, x->changes,
		    or(x->prices_as_of, "-"));
	}
	printf("\nInstruments to check (%zu of %lld held)\n", s.ninst, s.held);
	for (size_t i = 0; i < s.ninst; i++) {
		const struct status_instrument *x = &s.inst[i];

		printf("  %-12s %s:%s, %lld holders: ", x->symbol, x->source,
		    x->source_symbol, x->holders);
		if (x->price == NULL)
			printf("never priced");
		else
			printf("%s as of %s%s", x->price, x->as_of,
			    x->stale ? " (stale)" : "");
		if (x->flag)
			printf("; flagged: %s", x->flag);
		if (x->pending)
			printf("; holding back an outlier of %s", x->pending);
		if (x->error)
			printf("; last error %s: %s", x->error_at, x->error);
		putchar('\n');
	}
	return 0;
}
