/*
 * netfence.h - which addresses a price fetch may connect to.  Pure: no
 * I/O, no resolver; the fetcher asks with the address it is about to
 * connect to (after DNS, after every redirect), so neither a name that
 * resolves to an inner address nor a redirect can get around it.
 *
 * By default only public unicast addresses pass: loopback, private,
 * shared (CGNAT), link-local, unique-local, site-local, multicast,
 * documentation, benchmarking and reserved ranges of IPv4 and IPv6 are
 * refused, and IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4, Teredo) are judged by that address.
 * An operator may allow every private address (fetch_allow_private),
 * or name hosts to allow whatever they resolve to (fetch_allow).
 */
#ifndef NESTEGG_NETFENCE_H
#define NESTEGG_NETFENCE_H

#include <stddef.h>

#include <sys/socket.h>

#define FENCE_ALLOW_MAX 32

/* One entry of fetch_allow: a host name or an address, and a port (0:
 * any). */
struct fence_entry {
	char host[256];		/* lower case; an address in its text form */
	int port;
	int is_addr;		/* host is an IPv4 or IPv6 address */
	unsigned char addr[16];	/* then: IPv6, or IPv4-mapped */
};

struct fence {
	int allow_private;
	struct fence_entry allow[FENCE_ALLOW_MAX];
	size_t nallow;
};

/*
 * Fills f from the settings: allow_private (0 or 1) and spec, the
 * fetch_allow list ("host", "host:port", "1.2.3.4", "1.2.3.4:80",
 * "[::1]:8080", separated by commas or white space).  0, or -1 with a
 * message in err (errlen bytes) naming the entry at fault.
 */
int fence_init(struct fence *f, int allow_private, const char *spec,
    char *err, size_t errlen);

/*
 * The kind of address sa is (an AF_INET or AF_INET6 socket address):
 * NULL when it is public unicast, else a word for the log ("loopback",
 * "private", "link-local", ...).
 */
const char *fence_kind(const struct sockaddr *sa);

/*
 * Whether f lets a fetch of host (the address's host part as written
 * in the URL, without brackets) and port connect to sa.  1 yes, 0 no;
 * when no, *why (if not NULL) says what the address is.
 */
int fence_allows(const struct fence *f, const char *host, int port,
    const struct sockaddr *sa, const char **why);

/* Writes the text form of sa's address into out (outsz bytes); out. */
char *fence_addr_text(const struct sockaddr *sa, char *out, size_t outsz);

#endif
