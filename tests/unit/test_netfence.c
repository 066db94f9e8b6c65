/*
 * Unit tests for lib/netfence.c: which addresses a fetch may reach.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "netfence.h"

/* A socket address for text (IPv4 or IPv6) and port. */
static struct sockaddr_storage
sa(const char *text, int port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':') == NULL) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)port);
		assert_int_equal(inet_pton(AF_INET, text, &in->sin_addr), 1);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		assert_int_equal(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
	}
	return ss;
}

static const char *
kind(const char *text)
{
	struct sockaddr_storage ss = sa(text, 80);

	return fence_kind((struct sockaddr *)&ss);
}

static void
public_addresses_pass(void **state)
{
	static const char *const pub[] = {
		"8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255",
		"100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.3.1",
		"192.167.255.255", "192.169.0.1", "198.17.255.255", "198.20.0.0",
		"223.255.255.255", "11.0.0.1", "169.253.255.255",
		"2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450::1",
		"::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
		if (kind(pub[i]) != NULL)
			fail_msg("%s judged %s", pub[i], kind(pub[i]));
	}
}

static void
inner_addresses_are_refused(void **state)
{
	static const struct { const char *addr, *kind; } inner[] = {
		{ "127.0.0.1", "loopback" }, { "127.255.255.254", "loopback" },
		{ "10.0.0.1", "private" }, { "172.16.0.1", "private" },
		{ "172.31.255.255", "private" }, { "192.168.1.1", "private" },
		{ "100.64.0.1", "shared (carrier-grade NAT)" },
		{ "169.254.169.254", "link-local" }, { "0.0.0.0", "unspecified" },
		{ "0.1.2.3", "unspecified" }, { "224.0.0.1", "multicast" },
		{ "239.255.255.250", "multicast" }, { "240.0.0.1", "reserved" },
		{ "255.255.255.255", "reserved" }, { "192.0.2.1", "documentation" },
		{ "198.51.100.7", "documentation" },
		{ "203.0.113.9", "documentation" }, { "198.18.0.1", "reserved" },
		{ "192.0.0.8", "reserved" }, { "192.88.99.1", "reserved" },
		{ "::1", "loopback" }, { "::", "unspecified" },
		{ "fe80::1", "link-local" }, { "febf::1", "link-local" },
		{ "fec0::1", "private" }, { "fc00::1", "unique-local" },
		{ "fd12:3456::1", "unique-local" }, { "ff02::1", "multicast" },
		{ "2001:db8::1", "documentation" }, { "3fff::1", "documentation" },
		{ "2001::1", "reserved" }, { "100::1", "reserved" },
		{ "::7f00:1", "reserved" }, { "4000::1", "reserved" },
		{ "5f00::1", "reserved" }, { "64:ff9b:1::1", "private" },
		/* IPv6 forms that carry an inner IPv4 address */
		{ "::ffff:127.0.0.1", "loopback" },
		{ "::ffff:10.1.2.3", "private" },
		{ "::ffff:169.254.169.254", "link-local" },
		{ "64:ff9b::7f00:1", "loopback" },
		{ "64:ff9b::a9fe:a9fe", "link-local" },
		{ "2002:7f00:1::1", "loopback" },
		{ "2002:c0a8:101::1", "private" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inner) / sizeof(inner[0]); i++) {
		const char *k = kind(inner[i].addr);

		if (k == NULL || strcmp(k, inner[i].kind) != 0)
			fail_msg("%s judged %s, not %s", inner[i].addr,
			    k ? k : "public", inner[i].kind);
	}
}

static void
allow_private_lets_private_but_not_link_local(void **state)
{
	struct fence f;
	char err[128];
	struct sockaddr_storage lo = sa("127.0.0.1", 80),
	    p10 = sa("10.2.3.4", 80), ula = sa("fd00::5", 80),
	    meta = sa("169.254.169.254", 80), mc = sa("224.0.0.1", 80);
	const char *why;

	(void)state;
	assert_int_equal(fence_init(&f, 0, "", err, sizeof(err)), 0);
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&lo, &why), 0);
	assert_string_equal(why, "loopback");
	assert_int_equal(fence_init(&f, 1, "", err, sizeof(err)), 0);
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&lo, NULL), 1);
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&p10, NULL), 1);
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&ula, NULL), 1);
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&meta, &why), 0);
	assert_string_equal(why, "link-local");
	assert_int_equal(fence_allows(&f, "x", 80, (void *)&mc, NULL), 0);
}

static void
allowed_hosts_and_addresses(void **state)
{
	struct fence f;
	char err[128];
	struct sockaddr_storage lo = sa("127.0.0.1", 8080),
	    lo2 = sa("127.0.0.1", 9090), mapped = sa("::ffff:127.0.0.1", 8080),
	    six = sa("::1", 443), p = sa("192.168.5.5", 80);

	(void)state;
	assert_int_equal(fence_init(&f, 0, "127.0.0.1:8080, Feeds.Internal "
	    "[::1]:443,quotes.lan:81", err, sizeof(err)), 0);
	assert_int_equal(f.nallow, 4);
	/* An address entry matches the address connected to and its
	 * port, whatever the name in the URL. */
	assert_int_equal(fence_allows(&f, "evil.example", 8080, (void *)&lo,
	    NULL), 1);
	assert_int_equal(fence_allows(&f, "127.0.0.1", 9090, (void *)&lo2,
	    NULL), 0);
	assert_int_equal(fence_allows(&f, "x", 8080, (void *)&mapped, NULL),
	    1);
	assert_int_equal(fence_allows(&f, "x", 443, (void *)&six, NULL), 1);
	/* A name entry matches the URL's host, any port without one. */
	assert_int_equal(fence_allows(&f, "feeds.internal", 80, (void *)&p,
	    NULL), 1);
	assert_int_equal(fence_allows(&f, "quotes.lan", 81, (void *)&p, NULL),
	    1);
	assert_int_equal(fence_allows(&f, "quotes.lan", 80, (void *)&p, NULL),
	    0);
	assert_int_equal(fence_allows(&f, "other.lan", 80, (void *)&p, NULL),
	    0);
	/* Bad entries are named. */
	assert_int_equal(fence_init(&f, 0, "ok.host, bad/host", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad/host"));
	assert_int_equal(fence_init(&f, 0, "h:0", err, sizeof(err)), -1);
	assert_int_equal(fence_init(&f, 0, "[::1", err, sizeof(err)), -1);
	assert_int_equal(fence_init(&f, 0, "::1", err, sizeof(err)), 0);
	assert_int_equal(f.allow[0].is_addr, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(public_addresses_pass),
		cmocka_unit_test(inner_addresses_are_refused),
		cmocka_unit_test(allow_private_lets_private_but_not_link_local),
		cmocka_unit_test(allowed_hosts_and_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
