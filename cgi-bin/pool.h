/*
 * pool.h - the page worker's threads: between a minimum and a maximum,
 * one more when a connection waits for a thread, one fewer when the
 * busiest moment of the last idle seconds left one unused (see pool.c
 * for how that is measured and why).
 *
 * One pool per process.  Each thread runs the function given to
 * pool_start, which accepts connections on the listening socket and
 * tells the pool when it takes one (pool_busy) and when it is free again
 * (pool_idle), and returns when pool_idle says it is not needed or when
 * accept fails for good (the pool is stopping).
 */
#ifndef NESTEGG_POOL_H
#define NESTEGG_POOL_H

/* Starts min threads running run(arg) and the thread that watches for
 * waiting connections, on the listening socket fd.  With min < max,
 * accept() on fd returns EAGAIN after about idle seconds without a
 * connection, for the thread to ask pool_idle whether it is still
 * needed.  0, or -1 (nothing started). */
int pool_start(int fd, int min, int max, int idle,
    void (*run)(void *), void *arg);

/* A thread took a connection. */
void pool_busy(void);

/* A thread is free to take the next connection: it closed the last one
 * (was_busy), or accept() timed out (0).  Returns 1 when the thread is
 * no longer needed: it is out of the pool and should end. */
int pool_idle(int was_busy);

/* Stops taking connections (shuts fd), lets each thread finish what it
 * is serving, and waits up to secs seconds for them all to end.  0, or
 * -1 when some were still busy. */
int pool_stop(int secs);

#endif
