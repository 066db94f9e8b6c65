/*
 * netfence.c - which addresses a price fetch may connect to (see
 * netfence.h).
 */
#include "netfence.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a range is; the private kinds are those fetch_allow_private
 * lets through. */
enum kind {
	K_PUBLIC, K_LOOPBACK, K_PRIVATE, K_SHARED, K_UNIQUE_LOCAL,
	K_LINK_LOCAL, K_MULTICAST, K_UNSPECIFIED, K_DOCUMENTATION,
	K_RESERVED,
};

static const char *const kind_words[] = {
	NULL, "loopback", "private", "shared (carrier-grade NAT)",
	"unique-local", "link-local", "multicast", "unspecified",
	"documentation", "reserved",
};

/* IPv4 ranges that are not public unicast (IANA's special-purpose
 * registry), as address, prefix length, kind. */
static const struct v4range {
	uint32_t net;
	int bits;
	enum kind kind;
} v4ranges[] = {
	{ 0x00000000, 8, K_UNSPECIFIED },	/* 0.0.0.0/8 this network */
	{ 0x0a000000, 8, K_PRIVATE },		/* 10.0.0.0/8 */
	{ 0x64400000, 10, K_SHARED },		/* 100.64.0.0/10 */
	{ 0x7f000000, 8, K_LOOPBACK },		/* 127.0.0.0/8 */
	{ 0xa9fe0000, 16, K_LINK_LOCAL },	/* 169.254.0.0/16 */
	{ 0xac100000, 12, K_PRIVATE },		/* 172.16.0.0/12 */
	{ 0xc0000000, 24, K_RESERVED },		/* 192.0.0.0/24 protocols */
	{ 0xc0000200, 24, K_DOCUMENTATION },	/* 192.0.2.0/24 */
	{ 0xc0586300, 24, K_RESERVED },		/* 192.88.99.0/24 6to4 relay */
	{ 0xc0a80000, 16, K_PRIVATE },		/* 192.168.0.0/16 */
	{ 0xc6120000, 15, K_RESERVED },		/* 198.18.0.0/15 benchmarks */
	{ 0xc6336400, 24, K_DOCUMENTATION },	/* 198.51.100.0/24 */
	{ 0xcb007100, 24, K_DOCUMENTATION },	/* 203.0.113.0/24 */
	{ 0xe0000000, 4, K_MULTICAST },		/* 224.0.0.0/4 */
	{ 0xf0000000, 4, K_RESERVED },		/* 240.0.0.0/4, broadcast */
};

static enum kind
v4_kind(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4ranges) / sizeof(v4ranges[0]); i++) {
		uint32_t mask = 0xffffffffu << (32 - v4ranges[i].bits);

		if ((a & mask) == v4ranges[i].net)
			return v4ranges[i].kind;
	}
	return K_PUBLIC;
}

/* 1 if the first bits of a equal those of p. */
static int
v6_in(const unsigned char *a, const unsigned char *p, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, p, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ p[whole]) & (0xff << (8 - rest))) == 0;
}

static uint32_t
v4_at(const unsigned char *a, int off)
{
	return (uint32_t)a[off] << 24 | (uint32_t)a[off + 1] << 16 |
	    (uint32_t)a[off + 2] << 8 | a[off + 3];
}

/* IPv6 ranges that are not public unicast, first match wins; those
 * that carry an IPv4 address are judged by it (v4_at >= 0). */
static const struct v6range {
	unsigned char net[16];
	int bits;
	enum kind kind;
	int v4_at;		/* offset of an embedded IPv4 address, or -1 */
} v6ranges[] = {
	/* ::ffff:0:0/96 IPv4-mapped */
	{ { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff }, 96, K_PUBLIC, 12 },
	/* ::1/128 loopback, ::/128 unspecified, ::/96 IPv4-compatible */
	{ { 0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1 }, 128, K_LOOPBACK, -1 },
	{ { 0 }, 128, K_UNSPECIFIED, -1 },
	{ { 0 }, 96, K_RESERVED, -1 },
	/* 64:ff9b::/96 NAT64 carries IPv4; 64:ff9b:1::/48 is local */
	{ { 0,0x64,0xff,0x9b }, 96, K_PUBLIC, 12 },
	{ { 0,0x64,0xff,0x9b, 0,1 }, 48, K_PRIVATE, -1 },
	/* 100::/64 discard */
	{ { 1,0 }, 64, K_RESERVED, -1 },
	/* 2001:db8::/32 documentation, 2001::/23 protocols (Teredo,
	 * ORCHID, ...) */
	{ { 0x20,0x01,0x0d,0xb8 }, 32, K_DOCUMENTATION, -1 },
	{ { 0x20,0x01 }, 23, K_RESERVED, -1 },
	/* 2002::/16 6to4 carries IPv4 at bits 16 to 47 */
	{ { 0x20,0x02 }, 16, K_PUBLIC, 2 },
	/* 3fff::/20 documentation, 5f00::/16 segment routing */
	{ { 0x3f,0xff }, 20, K_DOCUMENTATION, -1 },
	{ { 0x5f,0x00 }, 16, K_RESERVED, -1 },
	/* fc00::/7 unique-local, fe80::/10 link-local, fec0::/10
	 * site-local, ff00::/8 multicast */
	{ { 0xfc }, 7, K_UNIQUE_LOCAL, -1 },
	{ { 0xfe,0x80 }, 10, K_LINK_LOCAL, -1 },
	{ { 0xfe,0xc0 }, 10, K_PRIVATE, -1 },
	{ { 0xff }, 8, K_MULTICAST, -1 },
};

static enum kind
v6_kind(const unsigned char *a)
{
	static const unsigned char global[16] = { 0x20 };

	for (size_t i = 0; i < sizeof(v6ranges) / sizeof(v6ranges[0]); i++) {
		const struct v6range *r = &v6ranges[i];

		if (!v6_in(a, r->net, r->bits))
			continue;
		if (r->v4_at >= 0)
			return v4_kind(v4_at(a, r->v4_at));
		return r->kind;
	}
	/* Global unicast is 2000::/3; the rest is not allocated. */
	return v6_in(a, global, 3) ? K_PUBLIC : K_RESERVED;
}

/* The address of sa as 16 bytes (IPv4 as IPv4-mapped); 0, or -1 for
 * another family. */
static int
addr16(const struct sockaddr *sa, unsigned char out[16])
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(out, &in6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static int
port_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->
		    sin_port);
	return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->
	    sin6_port);
}

static enum kind
kind_of(const struct sockaddr *sa)
{
	unsigned char a[16];

	if (addr16(sa, a) != 0)
		return K_RESERVED;
	return v6_kind(a);
}

const char *
fence_kind(const struct sockaddr *sa)
{
	return kind_words[kind_of(sa)];
}

char *
fence_addr_text(const struct sockaddr *sa, char *out, size_t outsz)
{
	const void *p = sa->sa_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)(const void *)sa)->
	    sin_addr : (const void *)&((const struct sockaddr_in6 *)
	    (const void *)sa)->sin6_addr;

	if (outsz == 0)
		return out;
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    inet_ntop(sa->sa_family, p, out, (socklen_t)outsz) == NULL)
		snprintf(out, outsz, "?");
	return out;
}

/* Parses one fetch_allow entry of n bytes at s into e; 0 or -1. */
static int
parse_entry(const char *s, size_t n, struct fence_entry *e)
{
	char text[300], *host = text, *port = NULL;
	struct in_addr v4;
	struct in6_addr v6;

	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	memset(e, 0, sizeof(*e));
	if (*host == '[') {
		char *close = strchr(host, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -1;
		*close = '\0';
		host++;
		if (close[1] == ':')
			port = close + 2;
	} else if (strchr(host, ':') == strrchr(host, ':') &&
	    (port = strchr(host, ':')) != NULL)
		*port++ = '\0';		/* one colon: host:port */
	if (port != NULL) {
		char *end;
		long p = strtol(port, &end, 10);

		if (*port == '\0' || *end != '\0' || p < 1 || p > 65535)
			return -1;
		e->port = (int)p;
	}
	if (*host == '\0' || strlen(host) >= sizeof(e->host))
		return -1;
	if (inet_pton(AF_INET, host, &v4) == 1) {
		memset(e->addr, 0, 10);
		e->addr[10] = e->addr[11] = 0xff;
		memcpy(e->addr + 12, &v4, 4);
		e->is_addr = 1;
	} else if (inet_pton(AF_INET6, host, &v6) == 1) {
		memcpy(e->addr, &v6, 16);
		e->is_addr = 1;
	} else {
		for (const char *p = host; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && *p != '_')
				return -1;
	}
	for (size_t i = 0; host[i]; i++)
		e->host[i] = (char)tolower((unsigned char)host[i]);
	return 0;
}

int
fence_init(struct fence *f, int allow_private, const char *spec, char *err,
    size_t errlen)
{
	const char *p = spec ? spec : "";

	memset(f, 0, sizeof(*f));
	f->allow_private = allow_private != 0;
	for (;;) {
		size_t n;

		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		if (f->nallow == FENCE_ALLOW_MAX) {
			snprintf(err, errlen, "fetch_allow: at most %d entries",
			    FENCE_ALLOW_MAX);
			return -1;
		}
		if (parse_entry(p, n, &f->allow[f->nallow]) != 0) {
			snprintf(err, errlen, "fetch_allow: '%.*s' is not a "
			    "host, an address, or either with :port",
			    (int)(n > 80 ? 80 : n), p);
			return -1;
		}
		f->nallow++;
		p += n;
	}
}

int
fence_allows(const struct fence *f, const char *host, int port,
    const struct sockaddr *sa, const char **why)
{
	unsigned char a[16];
	enum kind k;

	if (why != NULL)
		*why = NULL;
	if (addr16(sa, a) != 0) {
		if (why != NULL)
			*why = "not an internet address";
		return 0;
	}
	k = v6_kind(a);
	if (k == K_PUBLIC)
		return 1;
	if (f->allow_private && (k == K_LOOPBACK || k == K_PRIVATE ||
	    k == K_SHARED || k == K_UNIQUE_LOCAL))
		return 1;
	for (size_t i = 0; i < f->nallow; i++) {
		const struct fence_entry *e = &f->allow[i];

		if (e->is_addr) {
			if (memcmp(e->addr, a, 16) == 0 && (e->port == 0 ||
			    e->port == port_of(sa)))
				return 1;
		} else if (host != NULL && strcasecmp(e->host, host) == 0 &&
		    (e->port == 0 || e->port == port))
			return 1;
	}
	if (why != NULL)
		*why = kind_words[k];
	return 0;
}
