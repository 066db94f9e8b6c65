/*
 * epoch.h - change counters shared by every nestegg process of a stack.
 *
 * The file $NESTEGG_VAR/run/epochs is mapped into each process; a
 * process that changes something bumps a counter, and caches kept by
 * page workers compare counters to know at once that an entry is out
 * of date, without asking the database:
 *
 *   EPOCH_AUTH  a session ended, a password changed, an account was
 *               disabled, an account notice was recorded
 *   EPOCH_DATA  a portfolio, transaction, instrument, price, exchange
 *               rate or user setting changed
 *   EPOCH_RUN   a valuation run was committed (the live worker wakes)
 *
 * Processes on other hosts do not share the file: a cache also checks
 * marks kept in the database, or keeps its entries well under a second
 * (see cache.h).
 * When the file cannot be mapped, epoch_get() returns a fresh value on
 * every call, so caches never hit.
 */
#ifndef NESTEGG_EPOCH_H
#define NESTEGG_EPOCH_H

enum epoch { EPOCH_AUTH, EPOCH_DATA, EPOCH_RUN, EPOCH__MAX };

/* Maps <var>/run/epochs, creating it; 0, or -1 (caching then off). */
int epoch_open(const char *var);

/* The current value of a counter. */
unsigned long epoch_get(enum epoch e);

/* Counts one change. */
void epoch_bump(enum epoch e);

#endif
