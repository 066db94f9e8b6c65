/*
 * sock.h - the listening socket of a worker.
 */
#ifndef NESTEGG_SOCK_H
#define NESTEGG_SOCK_H

/*
 * Listens on the unix socket at path (mode 0666: the directory holding
 * it limits who connects) with backlog.  A socket file left by a worker
 * that died is removed first; one that a live process still accepts on
 * is not: then -1 with errno EADDRINUSE.  Returns the descriptor, or -1
 * with errno set.
 */
int sock_listen_unix(const char *path, int backlog);

/* 1 if a process accepts connections on the unix socket at path. */
int sock_alive(const char *path);

#endif
