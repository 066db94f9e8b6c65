/*
 * status.c - how the price pipeline is doing (see status.h).
 */
#include "status.h"

#include <stdlib.h>
#include <string.h>

#define UTC(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i:%s')"

static int
load_sources(struct db *d, struct arena *a, struct status *s)
{
	static const char q[] = "SELECT source, " UTC("last_success_at") ", "
	    UTC("last_error_at") ", last_error, errors, failing_runs, "
	    "last_quotes FROM feed_health ORDER BY source";
	struct dbres r;

	if (db_exec(d, a, &r, q, "") != 0)
		return -1;
	s->src = arena_alloc(a, (r.nrows + 1) * sizeof(*s->src));
	s->nsrc = r.nrows;
	for (size_t i = 0; i < r.nrows; i++) {
		struct status_source *x = &s->src[i];

		x->name = db_val(&r, i, 0);
		x->last_success = db_val(&r, i, 1);
		x->last_error_at = db_val(&r, i, 2);
		x->last_error = db_val(&r, i, 3);
		x->errors = db_int(&r, i, 4);
		x->failing_runs = db_int(&r, i, 5);
		x->last_quotes = db_int(&r, i, 6);
		x->failing = x->failing_runs > 0;
	}
	return 0;
}

static int
load_runs(struct db *d, struct arena *a, struct status *s)
{
	static const char f[] = "SELECT id, " UTC("started_at") ", "
	    "duration_ms, instruments, requests, stored, unchanged, rejected, "
	    "missing, rates, failed_sources, COALESCE(valuation_run_id, 0) "
	    "FROM fetch_runs ORDER BY started_at DESC, id DESC LIMIT 10";
	static const char v[] = "SELECT id, " UTC("started_at") ", "
	    UTC("prices_as_of") ", portfolios, duration_ms, scope, changes "
	    "FROM valuation_runs ORDER BY started_at DESC, id DESC LIMIT 10";
	static const char p[] = "SELECT COUNT(*) FROM revalue_pending";
	struct dbres r;

	if (db_exec(d, a, &r, f, "") != 0)
		return -1;
	s->fetch = arena_alloc(a, (r.nrows + 1) * sizeof(*s->fetch));
	s->nfetch = r.nrows;
	for (size_t i = 0; i < r.nrows; i++) {
		struct status_fetch *x = &s->fetch[i];

		x->id = db_int(&r, i, 0);
		x->started = db_val(&r, i, 1);
		x->duration_ms = db_int(&r, i, 2);
		x->instruments = db_int(&r, i, 3);
		x->requests = db_int(&r, i, 4);
		x->stored = db_int(&r, i, 5);
		x->unchanged = db_int(&r, i, 6);
		x->rejected = db_int(&r, i, 7);
		x->missing = db_int(&r, i, 8);
		x->rates = db_int(&r, i, 9);
		x->failed_sources = db_val(&r, i, 10);
		x->valuation_run_id = db_int(&r, i, 11);
	}
	if (db_exec(d, a, &r, v, "") != 0)
		return -1;
	s->val = arena_alloc(a, (r.nrows + 1) * sizeof(*s->val));
	s->nval = r.nrows;
	for (size_t i = 0; i < r.nrows; i++) {
		struct status_valuation *x = &s->val[i];

		x->id = db_int(&r, i, 0);
		x->started = db_val(&r, i, 1);
		x->prices_as_of = db_val(&r, i, 2);
		x->portfolios = db_int(&r, i, 3);
		x->duration_ms = db_int(&r, i, 4);
		x->scope = db_val(&r, i, 5);
		x->changes = db_int(&r, i, 6);
	}
	if (db_exec(d, a, &r, p, "") != 0)
		return -1;
	s->pending_changes = db_int(&r, 0, 0);
	return 0;
}

int
status_load(struct db *d, struct arena *a, const struct stale_policy *sp,
    time_t now, struct status *s)
{
	static const char q[] = "SELECT i.id, i.symbol, i.kind, i.source, "
	    "i.source_symbol, p.price, UNIX_TIMESTAMP(p.as_of), "
	    UTC("p.as_of") ", h.flag, h.last_error, " UTC("h.last_error_at")
	    ", h.last_error_at > COALESCE(p.checked_at, '1970-01-01'), "
	    "h.pending_price, (SELECT COUNT(DISTINCT portfolio_id) FROM "
	    "positions s WHERE s.instrument_id = i.id AND s.quantity <> 0) "
	    "FROM instruments i LEFT JOIN prices p ON p.instrument_id = i.id "
	    "LEFT JOIN instrument_health h ON h.instrument_id = i.id "
	    "WHERE EXISTS (SELECT 1 FROM positions s WHERE s.instrument_id = "
	    "i.id AND s.quantity <> 0) ORDER BY i.symbol, i.id";
	struct dbres r;

	memset(s, 0, sizeof(*s));
	if (load_sources(d, a, s) != 0 || load_runs(d, a, s) != 0)
		return -1;
	if (db_exec(d, a, &r, q, "") != 0)
		return -1;
	s->held = (long long)r.nrows;
	s->inst = arena_alloc(a, (STATUS_INSTRUMENTS + 1) * sizeof(*s->inst));
	for (size_t i = 0; i < r.nrows && s->ninst < STATUS_INSTRUMENTS; i++) {
		struct status_instrument *x = &s->inst[s->ninst];
		long limit = stale_limit(sp, db_val(&r, i, 2), db_val(&r, i, 3));
		const char *flag = db_val(&r, i, 8);
		int failing = db_int(&r, i, 11) != 0;

		memset(x, 0, sizeof(*x));
		x->id = db_int(&r, i, 0);
		x->symbol = db_val(&r, i, 1);
		x->kind = db_val(&r, i, 2);
		x->source = db_val(&r, i, 3);
		x->source_symbol = db_val(&r, i, 4);
		x->price = db_val(&r, i, 5);
		x->as_of = db_val(&r, i, 7);
		x->age = x->price ? (long long)now - db_int(&r, i, 6) : -1;
		x->stale = x->price == NULL || (limit > 0 && x->age > limit);
		x->flag = flag && *flag ? flag : NULL;
		x->error = failing ? db_val(&r, i, 9) : NULL;
		x->error_at = failing ? db_val(&r, i, 10) : NULL;
		x->pending = db_val(&r, i, 12);
		x->holders = db_int(&r, i, 13);
		if (x->stale || x->flag || x->error || x->pending)
			s->ninst++;
	}
	return 0;
}

static json_object *
str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *
status_json(const struct status *s)
{
	json_object *o = json_object_new_object(), *a;

#define ADD(obj, k, v) json_object_object_add(obj, k, v)
#define INT(v) json_object_new_int64(v)
	a = json_object_new_array();
	for (size_t i = 0; i < s->nsrc; i++) {
		const struct status_source *x = &s->src[i];
		json_object *e = json_object_new_object();

		ADD(e, "source", str(x->name));
		ADD(e, "ok", json_object_new_boolean(!x->failing));
		ADD(e, "last_success_at", str(x->last_success));
		ADD(e, "last_error_at", str(x->last_error_at));
		ADD(e, "last_error", str(x->last_error));
		ADD(e, "errors", INT(x->errors));
		ADD(e, "failing_runs", INT(x->failing_runs));
		ADD(e, "last_quotes", INT(x->last_quotes));
		json_object_array_add(a, e);
	}
	ADD(o, "sources", a);
	a = json_object_new_array();
	for (size_t i = 0; i < s->nfetch; i++) {
		const struct status_fetch *x = &s->fetch[i];
		json_object *e = json_object_new_object();

		ADD(e, "id", INT(x->id));
		ADD(e, "started_at", str(x->started));
		ADD(e, "duration_ms", INT(x->duration_ms));
		ADD(e, "instruments", INT(x->instruments));
		ADD(e, "requests", INT(x->requests));
		ADD(e, "stored", INT(x->stored));
		ADD(e, "unchanged", INT(x->unchanged));
		ADD(e, "refused", INT(x->rejected));
		ADD(e, "missing", INT(x->missing));
		ADD(e, "rates", INT(x->rates));
		ADD(e, "failed_sources", str(x->failed_sources));
		ADD(e, "valuation_run", x->valuation_run_id ?
		    INT(x->valuation_run_id) : NULL);
		json_object_array_add(a, e);
	}
	ADD(o, "fetch_runs", a);
	a = json_object_new_array();
	for (size_t i = 0; i < s->nval; i++) {
		const struct status_valuation *x = &s->val[i];
		json_object *e = json_object_new_object();

		ADD(e, "id", INT(x->id));
		ADD(e, "started_at", str(x->started));
		ADD(e, "prices_as_of", str(x->prices_as_of));
		ADD(e, "scope", str(x->scope));
		ADD(e, "portfolios", INT(x->portfolios));
		ADD(e, "changes", INT(x->changes));
		ADD(e, "duration_ms", INT(x->duration_ms));
		json_object_array_add(a, e);
	}
	ADD(o, "valuation_runs", a);
	ADD(o, "pending_changes", INT(s->pending_changes));
	ADD(o, "held_instruments", INT(s->held));
	a = json_object_new_array();
	for (size_t i = 0; i < s->ninst; i++) {
		const struct status_instrument *x = &s->inst[i];
		json_object *e = json_object_new_object();

		ADD(e, "id", INT(x->id));
		ADD(e, "symbol", str(x->symbol));
		ADD(e, "kind", str(x->kind));
		ADD(e, "source", str(x->source));
		ADD(e, "source_symbol", str(x->source_symbol));
		ADD(e, "price", str(x->price));
		ADD(e, "price_as_of", str(x->as_of));
		ADD(e, "age_seconds", x->age >= 0 ? INT(x->age) : NULL);
		ADD(e, "stale", json_object_new_boolean(x->stale));
		ADD(e, "flag", str(x->flag));
		ADD(e, "last_error", str(x->error));
		ADD(e, "last_error_at", str(x->error_at));
		ADD(e, "outlier_held", str(x->pending));
		ADD(e, "holders", INT(x->holders));
		json_object_array_add(a, e);
	}
	ADD(o, "instruments_to_check", a);
#undef ADD
#undef INT
	return o;
}
