/*
 * http.c - many HTTP GETs at once (see http.h).
 */
#include "http.h"

#include <ctype.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

enum { WAITING, RUNNING, DONE };

#define MAX_HOSTS 64
#define USER_AGENT "Mozilla/5.0 (compatible; nestegg/1.0; portfolio tracker)"

struct host {
	char name[256];
	int inflight;
	double paused_until;
};

struct group {
	double deadline;	/* monotonic seconds */
	int slots;		/* at once; 0: any */
	int inflight;
	size_t pending;		/* added and not finished */
};

struct http_engine {
	CURLM *multi;
	struct host hosts[MAX_HOSTS];
	int nhosts;
	const struct http_opts *o;
	struct http_stats st;
	double start;
	struct http_req **reqs;	/* every request added */
	size_t n, cap, done, failed;
	struct group *groups;
	int ngroups, capgroups;
};

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The host of url, lower-cased, into out; "" when there is none. */
static void
url_host(const char *url, char *out, size_t outsz)
{
	const char *p = strstr(url, "://"), *e;
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += 3;
	e = p + strcspn(p, "/?#");
	n = (size_t)(e - p) < outsz - 1 ? (size_t)(e - p) : outsz - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
}

static int
host_index(struct http_engine *e, const char *url)
{
	char name[256];

	url_host(url, name, sizeof(name));
	for (int i = 0; i < e->nhosts; i++)
		if (strcmp(e->hosts[i].name, name) == 0)
			return i;
	if (e->nhosts == MAX_HOSTS)
		return MAX_HOSTS - 1;	/* the rest share a limit */
	snprintf(e->hosts[e->nhosts].name, sizeof(e->hosts[0].name), "%s",
	    name);
	return e->nhosts++;
}

static long
limit_of(const struct http_req *r)
{
	return r->max_bytes > 0 ? r->max_bytes : HTTP_BODY_MAX;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;

	if ((long)(r->len + n) > limit_of(r))
		return 0;		/* too large: the transfer fails */
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		char *b;

		while (cap < r->len + n + 1)
			cap *= 2;
		if ((b = realloc(r->body, cap)) == NULL)
			return 0;
		r->body = b;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/*
 * Every connection curl is about to open, to the first address and
 * after each redirect: the fence judges the address itself, with the
 * host and port of the address being fetched (a name fetch_allow
 * names).  A refusal fails the request for good.
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_req *r = arg;
	const struct fence *f = r->engine->o->fence;
	char host[256] = "", addr[64];
	const char *why = NULL;
	long port = 0;

	if (f != NULL && purpose == CURLSOCKTYPE_IPCXN) {
		char *url = NULL;
		CURLU *u = curl_url();

		curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
		if (u != NULL && url != NULL &&
		    curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
			char *h = NULL, *p = NULL;

			if (curl_url_get(u, CURLUPART_HOST, &h, 0) ==
			    CURLUE_OK) {
				size_t n = strlen(h);

				if (n > 1 && h[0] == '[' && h[n - 1] == ']')
					snprintf(host, sizeof(host), "%.*s",
					    (int)n - 2, h + 1);
				else
					snprintf(host, sizeof(host), "%s", h);
			}
			if (curl_url_get(u, CURLUPART_PORT, &p,
			    CURLU_DEFAULT_PORT) == CURLUE_OK)
				port = strtol(p, NULL, 10);
			curl_free(h);
			curl_free(p);
		}
		curl_url_cleanup(u);
		if (!fence_allows(f, host, (int)port, &a->addr, &why)) {
			r->fenced = 1;
			snprintf(r->error, sizeof(r->error), "refused to "
			    "connect to %s, a %s address (fetch_allow and "
			    "fetch_allow_private let one through)",
			    fence_addr_text(&a->addr, addr, sizeof(addr)),
			    why);
			return CURL_SOCKET_BAD;
		}
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* Seconds to wait before try number attempts + 1: 0.5, 1, 2, ... with a
 * quarter of jitter, at most 30. */
static double
backoff(int attempts)
{
	double s = 0.5;

	for (int i = 1; i < attempts && s < 30; i++)
		s *= 2;
	if (s > 30)
		s = 30;
	return s + s * (double)(rand() % 250) / 1000.0;
}

static int
start(struct http_engine *e, struct http_req *r)
{
	CURL *c = r->easy;

	if (c == NULL) {
		if ((c = curl_easy_init()) == NULL)
			return -1;
		r->easy = c;
		curl_easy_setopt(c, CURLOPT_URL, r->url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(c, CURLOPT_PRIVATE, r);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, r);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_TIMEOUT, e->o->timeout);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
		    e->o->timeout < 10 ? e->o->timeout : 10L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)limit_of(r));
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->curl_error);
		if (r->header != NULL) {
			r->headers = curl_slist_append(NULL, r->header);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers);
		}
	}
	r->len = 0;
	if (r->body)
		r->body[0] = '\0';
	r->curl_error[0] = '\0';
	r->attempts++;
	e->st.requests++;
	if (curl_multi_add_handle(e->multi, c) != CURLM_OK)
		return -1;
	r->state = RUNNING;
	e->hosts[r->host].inflight++;
	e->groups[r->group].inflight++;
	return 0;
}

/* Takes a running request off the wire. */
static void
stop(struct http_engine *e, struct http_req *r)
{
	curl_multi_remove_handle(e->multi, r->easy);
	e->hosts[r->host].inflight--;
	e->groups[r->group].inflight--;
}

/* r is finished for good: the caller hears of it, then of its group
 * when it was the last. */
static void
finish(struct http_engine *e, struct http_req *r)
{
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	r->state = DONE;
	e->done++;
	if (r->error[0] != '\0')
		e->failed++;
	if (r->fenced)
		e->st.fenced++;
	if (e->o->done != NULL)
		e->o->done(e->o->arg, r);
	free(r->body);
	r->body = NULL;
	r->len = r->cap = 0;
	/* (The callback may have added groups: look again.) */
	if (--e->groups[r->group].pending == 0 && e->o->group_done != NULL)
		e->o->group_done(e->o->arg, r->group);
}

/* Handles one finished transfer; returns 1 when r is done for good. */
static int
completed(struct http_engine *e, struct http_req *r, CURLcode res)
{
	double now = now_s(), wait = -1;
	struct host *h = &e->hosts[r->host];
	long code = 0;

	stop(e, r);
	r->retry_after = -1;
	if (res != CURLE_OK && r->fenced) {
		r->status = 0;		/* error says where it led */
		return 1;
	}
	if (res == CURLE_OK) {
		r->fenced = 0;		/* another address answered */
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
		r->status = code;
		r->error[0] = '\0';
		if (code >= 200 && code < 300)
			return 1;
		if (code == 429) {
			curl_off_t after = 0;

			e->st.rate_limited++;
			curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &after);
			r->retry_after = after > 0 ? (long)after : -1;
			wait = after > 0 ? (double)after : backoff(r->attempts);
			/* The host asked everyone to slow down. */
			if (now + wait > h->paused_until)
				h->paused_until = now + wait;
			snprintf(r->error, sizeof(r->error), "rate limited (HTTP "
			    "429%s%ld s)", after > 0 ? ", retry after " :
			    ", backed off ", after > 0 ? (long)after :
			    (long)wait);
		} else if (code >= 500 || code == 408) {
			wait = backoff(r->attempts);
			snprintf(r->error, sizeof(r->error), "HTTP %ld", code);
		} else {
			snprintf(r->error, sizeof(r->error), "HTTP %ld", code);
			return 1;
		}
	} else {
		r->status = 0;
		snprintf(r->error, sizeof(r->error), "%s", r->curl_error[0] ?
		    r->curl_error : curl_easy_strerror(res));
		if (res == CURLE_WRITE_ERROR || res == CURLE_FILESIZE_EXCEEDED) {
			snprintf(r->error, sizeof(r->error), "answer larger "
			    "than %ld bytes", limit_of(r));
			r->too_large = 1;
		}
		else if (res != CURLE_URL_MALFORMAT &&
		    res != CURLE_UNSUPPORTED_PROTOCOL &&
		    res != CURLE_TOO_MANY_REDIRECTS)
			wait = backoff(r->attempts);
	}
	if (wait < 0 || r->attempts > e->o->retries ||
	    now + wait > e->groups[r->group].deadline)
		return 1;
	e->st.retried++;
	r->state = WAITING;
	r->not_before = now + wait;
	return 0;
}

static void
progress(const struct http_engine *e)
{
	int width = 30, fill = e->n ? (int)((double)e->done / (double)e->n *
	    width) : 0;

	fprintf(stderr, "\rfetch [");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %zu/%zu requests, %zu failed, %.1f s ", e->done,
	    e->n, e->failed, now_s() - e->start);
	fflush(stderr);
}

struct http_engine *
http_new(const struct http_opts *o)
{
	static int inited;
	struct http_engine *e;

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->o = o;
	e->start = now_s();
	if ((e->multi = curl_multi_init()) == NULL) {
		free(e);
		return NULL;
	}
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)o->per_host);
	return e;
}

int
http_group(struct http_engine *e, double deadline, int slots)
{
	if (e->ngroups == e->capgroups) {
		e->capgroups = e->capgroups ? e->capgroups * 2 : 16;
		e->groups = realloc(e->groups, (size_t)e->capgroups *
		    sizeof(*e->groups));
		if (e->groups == NULL)
			abort();
	}
	memset(&e->groups[e->ngroups], 0, sizeof(e->groups[0]));
	e->groups[e->ngroups].deadline = now_s() + deadline;
	e->groups[e->ngroups].slots = slots;
	return e->ngroups++;
}

void
http_add(struct http_engine *e, struct http_req *r, int g)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 256;
		e->reqs = realloc(e->reqs, e->cap * sizeof(*e->reqs));
		if (e->reqs == NULL)
			abort();
	}
	e->reqs[e->n++] = r;
	r->engine = e;
	r->group = g;
	r->state = WAITING;
	r->not_before = 0;
	r->host = host_index(e, r->url);
	r->status = 0;
	r->retry_after = -1;
	r->fenced = r->too_large = 0;
	/* A request already failed by its maker (an address too long)
	 * is finished at the first look. */
	e->groups[g].pending++;
}

/* Fails r, waiting or running, because its group is out of time. */
static void
out_of_time(struct http_engine *e, struct http_req *r)
{
	if (r->state == RUNNING)
		stop(e, r);
	r->status = 0;
	snprintf(r->error, sizeof(r->error), "%s", r->attempts == 0 ?
	    "not tried: out of time" : "out of time: the source's deadline "
	    "passed");
	finish(e, r);
}

void
http_run(struct http_engine *e, struct http_stats *st)
{
	double last_draw = 0;

	while (e->done < e->n) {
		double now = now_s(), next = now + 1;
		int running, msgs, finished;
		CURLMsg *m;

		/* Requests are read by index: callbacks may add more. */
		for (size_t i = 0; i < e->n; i++) {
			struct http_req *r = e->reqs[i];
			struct host *h = &e->hosts[r->host];
			struct group *g = &e->groups[r->group];

			if (r->state == DONE)
				continue;
			if (now > g->deadline) {
				out_of_time(e, r);
				continue;
			}
			if (r->state != WAITING)
				continue;
			if (r->attempts == 0 && r->error[0] != '\0') {
				finish(e, r);	/* failed before it began */
				continue;
			}
			if (r->not_before > now || h->paused_until > now) {
				double t = r->not_before > h->paused_until ?
				    r->not_before : h->paused_until;

				if (t < next)
					next = t;
				continue;
			}
			if (h->inflight >= e->o->per_host ||
			    (g->slots > 0 && g->inflight >= g->slots))
				continue;
			if (start(e, r) != 0) {
				snprintf(r->error, sizeof(r->error), "cannot "
				    "start the request");
				finish(e, r);
			}
		}
		for (int k = 0; k < e->ngroups; k++)
			if (e->groups[k].pending > 0 &&
			    e->groups[k].deadline < next)
				next = e->groups[k].deadline;
		curl_multi_perform(e->multi, &running);
		finished = 0;
		while ((m = curl_multi_info_read(e->multi, &msgs)) != NULL) {
			struct http_req *r = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
			finished++;
			if (completed(e, r, m->data.result))
				finish(e, r);
		}
		if (e->o->progress && (now - last_draw > 0.1 || e->done ==
		    e->n)) {
			progress(e);
			last_draw = now;
		}
		if (e->o->tick != NULL)
			e->o->tick(e->o->arg);
		/* A transfer ended: its connection is free for the next
		 * request at once, without waiting for other activity. */
		if (e->done < e->n && finished == 0) {
			int ms = (int)((next - now_s()) * 1000);

			if (ms < 1)
				ms = 1;
			if (ms > 200)
				ms = 200;
			curl_multi_poll(e->multi, NULL, 0, ms, NULL);
		}
	}
	if (e->o->progress && e->n > 0)
		fputc('\n', stderr);
	*st = e->st;
}

void
http_end(struct http_engine *e)
{
	if (e == NULL)
		return;
	curl_multi_cleanup(e->multi);
	free(e->reqs);
	free(e->groups);
	free(e);
}

int
http_url_escape(char *url, size_t urlsz, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = strlen(url);

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			if (o + 1 >= urlsz)
				return -1;
			url[o++] = (char)c;
		} else {
			if (o + 3 >= urlsz)
				return -1;
			url[o++] = '%';
			url[o++] = hex[c >> 4];
			url[o++] = hex[c & 15];
		}
	}
	url[o] = '\0';
	return 0;
}
