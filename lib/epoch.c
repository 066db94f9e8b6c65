/*
 * epoch.c - change counters shared through a mapped file (see epoch.h).
 */
#include "epoch.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define EPOCH_FILE_SIZE 4096

static unsigned long *counters;		/* NULL: not mapped */
static unsigned long fallback;		/* counts calls when unmapped */

int
epoch_open(const char *var)
{
	char path[600];
	void *p;
	int fd;

	/* The state directory's run/ (made here on a server, where
	 * nothing else makes it). */
	snprintf(path, sizeof(path), "%s/run", var);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/run/epochs", var);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, EPOCH_FILE_SIZE) != 0) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, EPOCH_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	counters = p;
	return 0;
}

unsigned long
epoch_get(enum epoch e)
{
	if (counters == NULL)
		return __atomic_add_fetch(&fallback, 1, __ATOMIC_RELAXED);
	return __atomic_load_n(&counters[e * 8], __ATOMIC_ACQUIRE);
}

void
epoch_bump(enum epoch e)
{
	if (counters != NULL)
		__atomic_add_fetch(&counters[e * 8], 1, __ATOMIC_RELEASE);
}
