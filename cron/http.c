/*
 * http.c - many HTTP GETs at once (see http.h).
 */
#include "http.h"

#include <ctype.h>
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

struct engine {
	CURLM *multi;
	struct host hosts[MAX_HOSTS];
	int nhosts;
	const struct http_opts *o;
	struct http_stats *st;
	double start, deadline;
	char errbuf[CURL_ERROR_SIZE];
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
host_index(struct engine *e, const char *url)
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

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;

	if ((long)(r->len + n) > HTTP_BODY_MAX)
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
start(struct engine *e, struct http_req *r)
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
		    (curl_off_t)HTTP_BODY_MAX);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->errbuf);
		if (r->header != NULL) {
			r->headers = curl_slist_append(NULL, r->header);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers);
		}
	}
	r->len = 0;
	if (r->body)
		r->body[0] = '\0';
	r->attempts++;
	e->st->requests++;
	if (curl_multi_add_handle(e->multi, c) != CURLM_OK)
		return -1;
	r->state = RUNNING;
	e->hosts[r->host].inflight++;
	return 0;
}

static void
finish(struct http_req *r)
{
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	r->state = DONE;
}

/* Handles one finished transfer; returns 1 when r is done for good. */
static int
completed(struct engine *e, struct http_req *r, CURLcode res)
{
	double now = now_s(), wait = -1;
	struct host *h = &e->hosts[r->host];
	long code = 0;

	curl_multi_remove_handle(e->multi, r->easy);
	h->inflight--;
	r->retry_after = -1;
	if (res == CURLE_OK) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
		r->status = code;
		r->error[0] = '\0';
		if (code >= 200 && code < 300)
			return 1;
		if (code == 429) {
			curl_off_t after = 0;

			e->st->rate_limited++;
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
		snprintf(r->error, sizeof(r->error), "%s", e->errbuf[0] ?
		    e->errbuf : curl_easy_strerror(res));
		if (res == CURLE_WRITE_ERROR || res == CURLE_FILESIZE_EXCEEDED)
			snprintf(r->error, sizeof(r->error), "answer larger "
			    "than %ld bytes", HTTP_BODY_MAX);
		else if (res != CURLE_URL_MALFORMAT &&
		    res != CURLE_UNSUPPORTED_PROTOCOL)
			wait = backoff(r->attempts);
	}
	e->errbuf[0] = '\0';
	if (wait < 0 || r->attempts > e->o->retries ||
	    now + wait > e->deadline)
		return 1;
	e->st->retried++;
	r->state = WAITING;
	r->not_before = now + wait;
	return 0;
}

static void
progress(const struct engine *e, size_t done, size_t n, size_t failed)
{
	int width = 30, fill = n ? (int)((double)done / (double)n * width) : 0;

	fprintf(stderr, "\rfetch [");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %zu/%zu requests, %zu failed, %.1f s ", done, n,
	    failed, now_s() - e->start);
	fflush(stderr);
}

void
http_run(struct http_req **reqs, size_t n, const struct http_opts *o,
    struct http_stats *st)
{
	static int inited;
	struct engine e;
	size_t done = 0, failed = 0;
	double last_draw = 0;

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	memset(&e, 0, sizeof(e));
	memset(st, 0, sizeof(*st));
	e.o = o;
	e.st = st;
	e.start = now_s();
	e.deadline = e.start + o->deadline;
	e.multi = curl_multi_init();
	curl_multi_setopt(e.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)o->per_host);
	for (size_t i = 0; i < n; i++) {
		reqs[i]->state = WAITING;
		reqs[i]->not_before = 0;
		reqs[i]->host = host_index(&e, reqs[i]->url);
		reqs[i]->status = 0;
		reqs[i]->error[0] = '\0';
	}
	while (done < n) {
		double now = now_s(), next = now + 1;
		int running, msgs, finished;
		CURLMsg *m;

		for (size_t i = 0; i < n; i++) {
			struct http_req *r = reqs[i];
			struct host *h = &e.hosts[r->host];

			if (r->state != WAITING)
				continue;
			if (now > e.deadline) {
				if (r->error[0] == '\0')
					snprintf(r->error, sizeof(r->error),
					    "not tried: out of time");
				finish(r);
				done++, failed++;
				continue;
			}
			if (r->not_before > now || h->paused_until > now) {
				double t = r->not_before > h->paused_until ?
				    r->not_before : h->paused_until;

				if (t < next)
					next = t;
				continue;
			}
			if (h->inflight >= o->per_host)
				continue;
			if (start(&e, r) != 0) {
				snprintf(r->error, sizeof(r->error), "cannot "
				    "start the request");
				finish(r);
				done++, failed++;
			}
		}
		curl_multi_perform(e.multi, &running);
		finished = 0;
		while ((m = curl_multi_info_read(e.multi, &msgs)) != NULL) {
			struct http_req *r = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
			finished++;
			if (completed(&e, r, m->data.result)) {
				if (r->error[0] != '\0')
					failed++;
				finish(r);
				done++;
			}
		}
		if (o->progress && (now - last_draw > 0.1 || done == n)) {
			progress(&e, done, n, failed);
			last_draw = now;
		}
		/* A transfer ended: its connection is free for the next
		 * request at once, without waiting for other activity. */
		if (done < n && finished == 0) {
			int ms = (int)((next - now_s()) * 1000);

			if (ms < 1)
				ms = 1;
			if (ms > 200)
				ms = 200;
			curl_multi_poll(e.multi, NULL, 0, ms, NULL);
		}
	}
	if (o->progress && n > 0)
		fputc('\n', stderr);
	curl_multi_cleanup(e.multi);
}

void
http_free(struct http_req **reqs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(reqs[i]->body);
		reqs[i]->body = NULL;
		reqs[i]->len = reqs[i]->cap = 0;
	}
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
