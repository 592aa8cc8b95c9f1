/*
 * Start and stop tests/support/fake_creds.py from a C test: the fake binds
 * a free loopback port and writes it to a file, which we wait for.
 */
#ifndef WW_TEST_FAKE_SERVER_H
#define WW_TEST_FAKE_SERVER_H

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	pid_t pid;
	int port;
	char url[64]; /* http://127.0.0.1:<port> */
	char dir[256];
} fake_server;

/* The path of tests/support/fake_creds.py. */
static inline const char *fake_script(void)
{
	static char path[1024];
	const char *root = getenv("WWSEED_ROOT");

	snprintf(path, sizeof(path), "%s/tests/support/fake_creds.py", root ? root : ".");
	return path;
}

/* A fresh temporary folder for a test's files (under WWSEED_TEST_TMP). */
static inline void fake_tmpdir(char *out, size_t n)
{
	const char *base = getenv("WWSEED_TEST_TMP");

	snprintf(out, n, "%s/wwfake.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(out))
		abort();
}

/* Start the fake in `mode` with extra arguments (NULL-terminated list).
 * Returns 0 once it listens. */
static inline int fake_start(fake_server *s, const char *mode, const char *const *extra)
{
	char portfile[300];
	const char *argv[24];
	int i = 0, j, tries;

	memset(s, 0, sizeof(*s));
	fake_tmpdir(s->dir, sizeof(s->dir));
	snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
	argv[i++] = "python3";
	argv[i++] = fake_script();
	argv[i++] = "--mode";
	argv[i++] = mode;
	argv[i++] = "--port-file";
	argv[i++] = portfile;
	for (j = 0; extra && extra[j] && i < 23; j++)
		argv[i++] = extra[j];
	argv[i] = NULL;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		/* die with the test, even when an assertion skipped fake_stop,
		 * and keep the test's stdout (a pipe, maybe) free of us */
		int null = open("/dev/null", O_WRONLY);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execvp("python3", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	for (tries = 0; tries < 500; tries++) {
		FILE *f = fopen(portfile, "r");
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		if (f) {
			int ok = fscanf(f, "%d", &s->port) == 1;
			fclose(f);
			if (ok) {
				snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
				return 0;
			}
		}
		nanosleep(&ts, NULL);
	}
	return -1;
}

static inline void fake_stop(fake_server *s)
{
	char cmd[300];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", s->dir);
		s->dir[0] = '\0';
	}
}

#endif
