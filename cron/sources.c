/*
 * sources.c - each price source's requests and answers (see fetch.h).
 *
 *   sim           no request: a deterministic walk (feeds/sim.c)
 *   yahoo         {yahoo_url}/v8/finance/chart/{symbol}?range=5d&interval=1d
 *   stooq         {stooq_url}/q/d/l/?s={symbol}&i=d&d1=..&d2=..&apikey={key}
 *   amfi          {amfi_url}/spages/NAVAll.txt, once for every scheme;
 *                 days past: {amfi_url}/DownloadNAVHistoryReport_Po.aspx
 *                 ?frmdt=..&todt=.., every scheme's, AMFI_WINDOW days a
 *                 request (the report cannot name a scheme)
 *   coingecko     {coingecko_url}/api/v3/simple/price?ids=a,b&vs_currencies=..
 *                 (up to 100 ids a request; the key as x-cg-demo-api-key)
 *   alphavantage  {alphavantage_url}/query?function=GLOBAL_QUOTE&symbol=..
 *   url           the instrument's own address, {symbol} filled in
 *
 * A source that answers with an error (a request that failed after its
 * retries, a status other than 2xx or 404, an answer that is not what
 * the source sends, a rate limit or refusal inside a 200) has failed for
 * this run; a symbol it does not know (404, or its own "not found") is
 * the instrument's trouble, not the source's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"

#define GECKO_BATCH 100
#define AMFI_WINDOW 14		/* days of every scheme's NAVs, ~2 MB a day */

/* What a request carries: its source and the asks it answers. */
struct carry {
	const char *source;
	struct ask **asks;
	size_t n;
	size_t group;		/* its index in f->groups */
	int chart;		/* CoinGecko's market chart: one coin's days */
	int history;		/* AMFI's NAV history: days past only */
};

/* The largest answer taken from each source, by what is asked: a
 * quote is small; days past, every scheme's NAVs or every day's rates
 * are not. */
#define KIB 1024L
#define MIB (1024L * 1024)
static const struct answer_limit {
	const char *source;
	long quote, history;
} answer_limits[] = {
	{ "yahoo", 1 * MIB, 16 * MIB },
	{ "stooq", 4 * MIB, 4 * MIB },
	{ "amfi", 8 * MIB, HTTP_BODY_MAX },	/* NAVAll.txt; 14 days */
	{ "coingecko", 1 * MIB, 8 * MIB },
	{ "alphavantage", 256 * KIB, 256 * KIB },
	{ "url", 256 * KIB, 256 * KIB },
};

const char *const fetch_problem_names[] = {
	NULL, "unreachable", "not_understood", "not_found", "refused",
};

/* The limit of an answer from source, for days past or a quote. */
static long
answer_limit(const char *source, int history)
{
	for (size_t i = 0; i < sizeof(answer_limits) /
	    sizeof(answer_limits[0]); i++)
		if (strcmp(answer_limits[i].source, source) == 0)
			return history ? answer_limits[i].history :
			    answer_limits[i].quote;
	return 256 * KIB;
}

size_t
fetch_group(struct fetch *f, const char *source, long long owner)
{
	int own = strcmp(source, "url") == 0 && owner != 0;
	double deadline = f->deadline;
	struct fetch_group *g;

	if (!own)
		owner = 0;
	for (size_t i = 0; i < f->ngroups; i++)
		if (strcmp(f->groups[i].source, source) == 0 &&
		    f->groups[i].owner == owner)
			return i;
	g = realloc(f->groups, (f->ngroups + 1) * sizeof(*g));
	if (g == NULL)
		abort();
	f->groups = g;
	g = &f->groups[f->ngroups];
	memset(g, 0, sizeof(*g));
	snprintf(g->source, sizeof(g->source), "%s", source);
	g->owner = owner;
	/* A user's own addresses: one at a time, within their own time,
	 * so that one user can take neither every connection nor the
	 * whole fetch. */
	if (own && f->cfg->fetch_url_seconds > 0 &&
	    f->cfg->fetch_url_seconds < deadline)
		deadline = (double)f->cfg->fetch_url_seconds;
	g->id = http_group(f->http, deadline, own ? 1 : 0);
	return f->ngroups++;
}

int
fetch_ask_ready(const struct fetch *f, const struct ask *a)
{
	return a == NULL || a->group < 0 || f->groups[a->group].done;
}

/* A user's own address failing is their instrument's trouble, not the
 * source's (the site's "url" health is the shared catalogue's). */
static void
carry_failed(struct fetch *f, const struct carry *c, const char *why)
{
	if (strcmp(c->source, "url") == 0 && c->n > 0 && c->asks[0]->owner)
		return;
	fetch_source_failed(f, c->source, why);
}

struct source_health *
fetch_health(struct fetch *f, const char *source)
{
	for (int i = 0; i < f->nhealth; i++)
		if (strcmp(f->health[i].name, source) == 0)
			return &f->health[i];
	if (f->nhealth == (int)(sizeof(f->health) / sizeof(f->health[0])))
		return &f->health[f->nhealth - 1];
	memset(&f->health[f->nhealth], 0, sizeof(f->health[0]));
	snprintf(f->health[f->nhealth].name, sizeof(f->health[0].name), "%s",
	    source);
	return &f->health[f->nhealth++];
}

void
fetch_source_failed(struct fetch *f, const char *source, const char *error)
{
	struct source_health *h = fetch_health(f, source);

	h->used = 1;
	h->errors++;
	if (!h->failed) {
		h->failed = 1;
		snprintf(h->error, sizeof(h->error), "%s", error);
	}
}

static struct http_req *
new_req(struct fetch *f, const char *source, struct ask **asks, size_t n)
{
	struct http_req *r = calloc(1, sizeof(*r));
	struct carry *c = calloc(1, sizeof(*c));

	if (r == NULL || c == NULL)
		abort();
	c->source = source;
	c->asks = calloc(n + 1, sizeof(*c->asks));
	if (c->asks == NULL)
		abort();
	memcpy(c->asks, asks, n * sizeof(*asks));
	c->n = n;
	c->group = fetch_group(f, source, n > 0 ? asks[0]->owner : 0);
	r->user = c;
	r->max_bytes = answer_limit(source, n > 0 &&
	    asks[0]->history_from > 0);
	for (size_t i = 0; i < n; i++) {
		asks[i]->req = r;
		asks[i]->group = (int)c->group;
	}
	if (f->nreqs == f->capreqs) {
		f->capreqs = f->capreqs ? f->capreqs * 2 : 256;
		f->reqs = realloc(f->reqs, f->capreqs * sizeof(*f->reqs));
		if (f->reqs == NULL)
			abort();
	}
	f->reqs[f->nreqs++] = r;
	fetch_health(f, source)->used = 1;
	return r;
}

/* Fails every ask of source that cannot be asked at all. */
static void
cannot_ask(struct fetch *f, struct ask *a, const char *why)
{
	snprintf(a->error, sizeof(a->error), "%s", why);
	a->problem = PROBLEM_UNREACHABLE;
	fetch_source_failed(f, a->source, why);
}

/* Appends text to r's url; 0 or -1 when it does not fit. */
static int
url_cat(struct http_req *r, const char *text)
{
	size_t n = strlen(r->url);

	if (n + strlen(text) >= sizeof(r->url))
		return -1;
	strcpy(r->url + n, text);
	return 0;
}

/* The url template with every {symbol} replaced by sym, escaped. */
static int
fill_template(struct http_req *r, const char *tmpl, const char *sym)
{
	const char *p = tmpl, *hit;

	r->url[0] = '\0';
	while ((hit = strstr(p, "{symbol}")) != NULL) {
		size_t n = strlen(r->url) + (size_t)(hit - p);

		if (n >= sizeof(r->url))
			return -1;
		strncat(r->url, p, (size_t)(hit - p));
		if (http_url_escape(r->url, sizeof(r->url), sym) != 0)
			return -1;
		p = hit + 8;
	}
	return url_cat(r, p);
}

void
sources_sim(struct ask *a, const struct quote_last *last, time_t now)
{
	long to = (long)(now / 60), from;
	struct tm tm;

	from = last->known ? (long)(last->as_of / 60) : to - 1440;
	a->got.have = 1;
	a->got.price = feed_sim_walk(a->symbol, last->known ? last->price :
	    DEC_ZERO, from, to);
	a->got.as_of = (time_t)to * 60;
	gmtime_r(&a->got.as_of, &tm);
	strftime(a->got.day, sizeof(a->got.day), "%Y-%m-%d", &tm);
}

static int
ask_cmp(const void *x, const void *y)
{
	const struct ask *a = *(struct ask *const *)x;
	const struct ask *b = *(struct ask *const *)y;
	int c = strcmp(a->source, b->source);

	return c ? c : strcmp(a->currency, b->currency);
}

/* CoinGecko's demo key, when set, in its header. */
static void
gecko_key(struct http_req *r, const struct config *c)
{
	static char header[200];

	if (*c->coingecko_key == '\0')
		return;
	if (*header == '\0')
		snprintf(header, sizeof(header), "x-cg-demo-api-key: %s",
		    c->coingecko_key);
	r->header = header;
}

/* CoinGecko: up to GECKO_BATCH ids a request, every currency wanted;
 * a coin whose days past are asked for, its market chart since then
 * too (first: the price request is the ask's own). */
static void
plan_coingecko(struct fetch *f, struct ask **v, size_t n)
{
	const struct config *c = f->cfg;

	for (size_t i = 0; i < n; i++) {
		struct http_req *r;
		char tail[120], low[4];
		int bad;

		if (v[i]->history_from == 0)
			continue;
		r = new_req(f, "coingecko", v + i, 1);
		((struct carry *)r->user)->chart = 1;
		r->max_bytes = answer_limit("coingecko", 1);
		for (int x = 0; x < 4; x++)
			low[x] = (char)tolower((unsigned char)v[i]->currency[x]);
		snprintf(r->url, sizeof(r->url), "%s/api/v3/coins/",
		    c->coingecko_url);
		snprintf(tail, sizeof(tail), "/market_chart/range?vs_currency="
		    "%s&from=%lld&to=%lld", low, (long long)v[i]->history_from,
		    (long long)f->now);
		bad = http_url_escape(r->url, sizeof(r->url), v[i]->symbol) ||
		    url_cat(r, tail);
		if (bad)
			snprintf(r->error, sizeof(r->error), "address too "
			    "long");
		gecko_key(r, c);
	}

	for (size_t i = 0; i < n; i += GECKO_BATCH) {
		size_t k = n - i < GECKO_BATCH ? n - i : GECKO_BATCH;
		struct http_req *r = new_req(f, "coingecko", v + i, k);
		char curs[512] = "";

		r->max_bytes = answer_limit("coingecko", 0);
		int bad = 0;

		snprintf(r->url, sizeof(r->url), "%s/api/v3/simple/price?ids=",
		    c->coingecko_url);
		for (size_t j = 0; j < k; j++) {
			char low[4];

			bad |= j > 0 && url_cat(r, ",") != 0;
			bad |= http_url_escape(r->url, sizeof(r->url),
			    v[i + j]->symbol) != 0;
			for (int x = 0; x < 4; x++)
				low[x] = (char)tolower(
				    (unsigned char)v[i + j]->currency[x]);
			if (strstr(curs, low) == NULL && strlen(curs) < 500) {
				if (*curs)
					strcat(curs, ",");
				strcat(curs, low);
			}
		}
		bad |= url_cat(r, "&vs_currencies=") != 0;
		bad |= url_cat(r, curs) != 0;
		bad |= url_cat(r, "&include_last_updated_at=true") != 0;
		if (bad)
			snprintf(r->error, sizeof(r->error), "address too "
			    "long");
		gecko_key(r, c);
	}
}

/*
 * AMFI's NAV history for the schemes in v[0..n) whose days past are
 * asked for: from the first of them to today, AMFI_WINDOW days a
 * request.  The asks stay carried by their NAVAll.txt request.
 */
static void
plan_amfi_history(struct fetch *f, struct ask **v, size_t n)
{
	struct ask **h = calloc(n + 1, sizeof(*h));
	struct http_req *own = n > 0 ? v[0]->req : NULL;
	time_t first = 0;
	size_t k = 0;

	if (h == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (v[i]->history_from > 0) {
			h[k++] = v[i];
			if (first == 0 || v[i]->history_from < first)
				first = v[i]->history_from;
		}
	for (time_t t = first; k > 0 && t <= f->now;
	    t += AMFI_WINDOW * 86400L) {
		time_t end = t + (AMFI_WINDOW - 1) * 86400L;
		struct http_req *r = new_req(f, "amfi", h, k);
		char d1[16], d2[16];
		struct tm tm;

		((struct carry *)r->user)->history = 1;
		r->max_bytes = answer_limit("amfi", 1);
		strftime(d1, sizeof(d1), "%d-%b-%Y", gmtime_r(&t, &tm));
		strftime(d2, sizeof(d2), "%d-%b-%Y", gmtime_r(end > f->now ?
		    &f->now : &end, &tm));
		snprintf(r->url, sizeof(r->url), "%s/DownloadNAVHistoryReport_"
		    "Po.aspx?frmdt=%s&todt=%s", f->cfg->amfi_url, d1, d2);
	}
	for (size_t i = 0; i < k; i++)
		h[i]->req = own;
	free(h);
}

void
sources_plan(struct fetch *f)
{
	const struct config *c = f->cfg;
	struct ask **v = calloc(f->nasks + 1, sizeof(*v));
	struct ask *amfi[1];
	struct tm tm;
	time_t from = f->now - 14 * 86400;
	char d2[16];
	size_t n = 0, namfi = 0, amfi_first = 0;

	if (v == NULL)
		abort();
	gmtime_r(&f->now, &tm);
	strftime(d2, sizeof(d2), "%Y%m%d", &tm);
	for (size_t i = 0; i < f->nasks; i++)
		v[n++] = &f->asks[i];
	qsort(v, n, sizeof(*v), ask_cmp);
	for (size_t i = 0; i < n; i++) {
		struct ask *a = v[i];
		struct http_req *r;
		int bad = 0;

		if (strcmp(a->source, "sim") == 0)
			continue;	/* answered by the caller */
		if (strcmp(a->source, "coingecko") == 0) {
			size_t k = i;

			while (k < n && strcmp(v[k]->source, "coingecko") == 0)
				k++;
			plan_coingecko(f, v + i, k - i);
			i = k - 1;
			continue;
		}
		if (strcmp(a->source, "amfi") == 0) {
			if (namfi++ == 0)
				amfi_first = i;
			continue;
		}
		if ((strcmp(a->source, "stooq") == 0 && !*c->stooq_key) ||
		    (strcmp(a->source, "alphavantage") == 0 &&
		    !*c->alphavantage_key)) {
			char why[100];

			snprintf(why, sizeof(why), "%s needs an API key: set "
			    "%s_key", a->source, a->source);
			cannot_ask(f, a, why);
			continue;
		}
		r = new_req(f, a->source, &v[i], 1);
		if (strcmp(a->source, "yahoo") == 0) {
			snprintf(r->url, sizeof(r->url), "%s/v8/finance/chart/",
			    c->yahoo_url);
			bad |= http_url_escape(r->url, sizeof(r->url),
			    a->symbol) != 0;
			if (a->history_from > 0) {
				/* Every day's close since then. */
				char range[80];

				snprintf(range, sizeof(range), "?period1=%lld&"
				    "period2=%lld&interval=1d&events=split",
				    (long long)a->history_from,
				    (long long)f->now);
				bad |= url_cat(r, range) != 0;
			} else
				bad |= url_cat(r, "?range=5d&interval=1d") != 0;
		} else if (strcmp(a->source, "stooq") == 0) {
			char from1[16];

			gmtime_r(a->history_from > 0 ? &a->history_from :
			    &from, &tm);
			strftime(from1, sizeof(from1), "%Y%m%d", &tm);
			snprintf(r->url, sizeof(r->url), "%s/q/d/l/?s=",
			    c->stooq_url);
			bad |= http_url_escape(r->url, sizeof(r->url),
			    a->symbol) != 0;
			bad |= url_cat(r, "&i=d&d1=") || url_cat(r, from1) ||
			    url_cat(r, "&d2=") || url_cat(r, d2) ||
			    url_cat(r, "&apikey=");
			bad |= http_url_escape(r->url, sizeof(r->url),
			    c->stooq_key) != 0;
		} else if (strcmp(a->source, "alphavantage") == 0) {
			snprintf(r->url, sizeof(r->url), "%s/query?function="
			    "GLOBAL_QUOTE&symbol=", c->alphavantage_url);
			bad |= http_url_escape(r->url, sizeof(r->url),
			    a->symbol) != 0;
			bad |= url_cat(r, "&apikey=") != 0;
			bad |= http_url_escape(r->url, sizeof(r->url),
			    c->alphavantage_key) != 0;
		} else if (strcmp(a->source, "url") == 0) {
			bad |= fill_template(r, a->url_template ?
			    a->url_template : "", a->symbol) != 0;
		} else
			snprintf(r->error, sizeof(r->error), "unknown source");
		if (bad)
			snprintf(r->error, sizeof(r->error), "address too "
			    "long");
	}
	if (namfi > 0) {
		/* One file holds every scheme: one request for them all. */
		struct http_req *r;

		amfi[0] = v[amfi_first];
		r = new_req(f, "amfi", amfi, 1);
		((struct carry *)r->user)->asks = realloc(
		    ((struct carry *)r->user)->asks, namfi * sizeof(*v));
		memcpy(((struct carry *)r->user)->asks, v + amfi_first,
		    namfi * sizeof(*v));
		((struct carry *)r->user)->n = namfi;
		for (size_t i = 0; i < namfi; i++) {
			v[amfi_first + i]->req = r;
			v[amfi_first + i]->group = (int)((struct carry *)
			    r->user)->group;
		}
		snprintf(r->url, sizeof(r->url), "%s/spages/NAVAll.txt",
		    c->amfi_url);
		r->max_bytes = answer_limit("amfi", 0);
		plan_amfi_history(f, v + amfi_first, namfi);
	}
	free(v);
	for (size_t i = 0; i < f->nreqs; i++)
		http_add(f->http, f->reqs[i], f->groups[((struct carry *)
		    f->reqs[i]->user)->group].id);
}


/* Copies quote q (and, for a one-symbol answer, the closes) to a. */
static void
take(struct ask *a, const struct feed_quote *q, const struct feed_result *fr,
    int closes)
{
	a->got.have = 1;
	a->got.price = q->price;
	snprintf(a->got.currency, sizeof(a->got.currency), "%s", q->currency);
	a->got.as_of = q->as_of;
	snprintf(a->got.day, sizeof(a->got.day), "%s", q->day);
	memcpy(a->got.name, q->name, sizeof(a->got.name));
	a->got.prev_close = q->prev_close;
	a->got.has_prev = q->has_prev;
	if (closes && fr->ncloses > 0) {
		a->got.closes = malloc(fr->ncloses * sizeof(*fr->closes));
		if (a->got.closes == NULL)
			abort();
		memcpy(a->got.closes, fr->closes, fr->ncloses *
		    sizeof(*fr->closes));
		a->got.ncloses = fr->ncloses;
	}
}

static int
parse(const struct carry *c, const struct http_req *r, time_t now,
    struct feed_result *fr)
{
	const struct ask *a0 = c->asks[0];
	const char *s = c->source;

	if (strcmp(s, "yahoo") == 0)
		return feed_yahoo_parse(r->body, r->len, fr);
	if (strcmp(s, "stooq") == 0)
		return feed_stooq_parse(r->body, r->len, a0->symbol, fr);
	if (strcmp(s, "amfi") == 0 && c->history) {
		const char **codes = calloc(c->n + 1, sizeof(*codes));
		int rc;

		if (codes == NULL)
			abort();
		for (size_t i = 0; i < c->n; i++)
			codes[i] = c->asks[i]->symbol;
		rc = feed_amfi_history_parse(r->body, r->len, codes, c->n, fr);
		free(codes);
		return rc;
	}
	if (strcmp(s, "amfi") == 0)
		return feed_amfi_parse(r->body, r->len, fr);
	if (strcmp(s, "coingecko") == 0 && c->chart)
		return feed_coingecko_chart_parse(r->body, r->len, a0->symbol,
		    a0->currency, fr);
	if (strcmp(s, "coingecko") == 0)
		return feed_coingecko_parse(r->body, r->len, now, fr);
	if (strcmp(s, "alphavantage") == 0)
		return feed_alphavantage_parse(r->body, r->len, fr);
	if (strcmp(s, "url") == 0)
		return feed_url_parse(r->body, r->len, a0->url_field ?
		    a0->url_field : "", a0->symbol, now, fr);
	return feed_fail(fr, FEED_BAD, "no parser for %s", s);
}

/* Hands the quotes of one answer to the asks it carries. */
static void
distribute(struct fetch *f, const struct carry *c, struct feed_result *fr)
{
	struct source_health *h = fetch_health(f, c->source);

	if (c->n == 1 && strcmp(c->source, "coingecko") != 0 &&
	    strcmp(c->source, "amfi") != 0) {
		/* One symbol asked: the answer is about it. */
		if (fr->nquotes == 0) {
			c->asks[0]->not_found = 1;
			c->asks[0]->problem = PROBLEM_NOT_FOUND;
			snprintf(c->asks[0]->error, sizeof(c->asks[0]->error),
			    "%s answered without a price", c->source);
			return;
		}
		take(c->asks[0], &fr->quotes[fr->nquotes - 1], fr, 1);
		h->quotes++;
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct ask *a = c->asks[i];
		const struct feed_quote *best = NULL;

		for (size_t k = 0; k < fr->nquotes; k++) {
			const struct feed_quote *q = &fr->quotes[k];

			if (strcasecmp(q->symbol, a->symbol) != 0)
				continue;
			if (strcmp(c->source, "coingecko") == 0 &&
			    strcasecmp(q->currency, a->currency) != 0)
				continue;
			best = q;
		}
		if (best == NULL) {
			a->not_found = 1;
			a->problem = PROBLEM_NOT_FOUND;
			snprintf(a->error, sizeof(a->error), "%s does not know "
			    "%s", c->source, a->symbol);
			continue;
		}
		take(a, best, fr, 0);
		h->quotes++;
	}
}

/* Appends the closes of symbol in fr to g's. */
static void
add_closes(struct candidate *g, const struct feed_result *fr,
    const char *symbol)
{
	for (size_t i = 0; i < fr->ncloses; i++) {
		struct feed_close *c;

		if (strcasecmp(fr->closes[i].symbol, symbol) != 0)
			continue;
		c = realloc(g->closes, (g->ncloses + 1) * sizeof(*c));
		if (c == NULL)
			abort();
		g->closes = c;
		g->closes[g->ncloses++] = fr->closes[i];
	}
}

/* Gives every ask of c the error why (prefixed with the source) and
 * its kind. */
static void
asks_fail(const struct carry *c, enum fetch_problem p, const char *why)
{
	for (size_t k = 0; k < c->n; k++) {
		snprintf(c->asks[k]->error, sizeof(c->asks[k]->error),
		    "%s: %.200s", c->source, why);
		c->asks[k]->problem = p;
	}
}

void
sources_read(struct fetch *f, struct http_req *r)
{
	const struct carry *c = r->user;
	struct feed_result fr;
	int rc;

	if (c->chart || c->history) {
		/* Days past only: the price comes with the others, and a
		 * chart that fails takes nothing from it. */
		if (r->status < 200 || r->status > 299)
			return;
		feed_result_init(&fr);
		if (parse(c, r, f->now, &fr) == 0)
			for (size_t k = 0; k < c->n; k++)
				add_closes(&c->asks[k]->got, &fr,
				    c->asks[k]->symbol);
		feed_result_free(&fr);
		return;
	}
	if (r->status == 0 || (r->status != 404 &&
	    (r->status < 200 || r->status > 299))) {
		const char *why = r->error[0] ? r->error : "no answer";

		/* An answer past its size is not one the source sends. */
		asks_fail(c, r->too_large ? PROBLEM_NOT_UNDERSTOOD :
		    PROBLEM_UNREACHABLE, why);
		carry_failed(f, c, why);
		return;
	}
	feed_result_init(&fr);
	rc = parse(c, r, f->now, &fr);
	if (r->status == 404 || fr.status == FEED_NOT_FOUND) {
		/* The symbol, not the source, is at fault. */
		for (size_t k = 0; k < c->n; k++) {
			c->asks[k]->not_found = 1;
			c->asks[k]->problem = PROBLEM_NOT_FOUND;
			snprintf(c->asks[k]->error, sizeof(c->asks[k]->error),
			    "%s does not know %.64s%s%.150s", c->source,
			    c->asks[k]->symbol, fr.error[0] ? ": " : "",
			    fr.error);
		}
	} else if (rc != 0) {
		asks_fail(c, PROBLEM_NOT_UNDERSTOOD, fr.error);
		carry_failed(f, c, fr.error);
	} else
		distribute(f, c, &fr);
	feed_result_free(&fr);
}

void
sources_free(struct fetch *f)
{
	for (size_t i = 0; i < f->nreqs; i++) {
		struct carry *c = f->reqs[i]->user;

		free(f->reqs[i]->body);
		if (c != NULL)
			free(c->asks);
		free(c);
		free(f->reqs[i]);
	}
	free(f->reqs);
	f->reqs = NULL;
	f->nreqs = f->capreqs = 0;
	free(f->groups);
	f->groups = NULL;
	f->ngroups = 0;
	for (size_t i = 0; i < f->nasks; i++)
		free(f->asks[i].got.closes);
}
