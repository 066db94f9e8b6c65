/*
 * hello.c - the baseline for make bench: the smallest useful libfcgi
 * page worker, threaded like nestegg-web, answering a fixed HTML page.
 * Whatever nestegg's pages cost beyond this is nestegg's own.
 *
 *   bench-hello --socket PATH [--threads N]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fcgiapp.h>

static int listen_fd;

static void *
serve(void *arg)
{
	static const char body[] = "<!DOCTYPE html><html lang=\"en\"><head>"
	    "<title>hello</title></head><body>hello</body></html>\n";
	char head[128];
	int n;
	FCGX_Request req;

	(void)arg;
	n = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", sizeof(body) - 1);
	FCGX_InitRequest(&req, listen_fd, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(head, n, req.out);
		FCGX_PutStr(body, (int)sizeof(body) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	int threads = 16;
	pthread_t *t;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--socket") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atoi(argv[i + 1]);
	}
	if (path == NULL || threads < 1) {
		fputs("usage: bench-hello --socket PATH [--threads N]\n", stderr);
		return 2;
	}
	FCGX_Init();
	if ((listen_fd = FCGX_OpenSocket(path, 256)) < 0) {
		perror(path);
		return 1;
	}
	chmod(path, 0666);
	t = calloc((size_t)threads, sizeof(*t));
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, serve, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
