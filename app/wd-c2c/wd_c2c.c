/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * wd-c2c: how long a cache line takes to go from one CPU to another and
 * back. An emulated engine and the application's core exchange every
 * request and completion this way, so this is the floor under the
 * engine's round trip and part of its per-op cost; on a virtual machine
 * it depends on where the host runs the two vCPUs at the time (SMT
 * siblings, one core complex, two), which a benchmark table shows with
 * it.
 *
 *   wd-c2c [--cpus A,B] [--rounds N]
 *
 * Prints the average one-way time in nanoseconds (half a round trip of a
 * line written in turn by a thread on CPU A and one on CPU B).
 */

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
	_Alignas(64) uint32_t turn;	/* odd: A wrote last; even: B */
	char pad[60];
} line;

struct side {
	int cpu;
	uint32_t rounds;
};

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* On CPU B (the thread's affinity): answer each of A's writes. */
static void *
side_b(void *arg)
{
	const struct side *b = arg;
	uint32_t i;

	for (i = 1; i <= b->rounds; i++) {
		while (__atomic_load_n(&line.turn, __ATOMIC_ACQUIRE) != 2 * i - 1)
			;
		__atomic_store_n(&line.turn, 2 * i, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int
usage(const char *prog, int rc)
{
	fprintf(rc ? stderr : stdout, "usage: %s [--cpus A,B (0,1)] [--rounds N (1000000)]\n"
		"Average one-way time of a cache line between CPU A and CPU B, in ns.\n",
		prog);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct side b = { .cpu = 1, .rounds = 1000000 };
	struct timespec t0, t1;
	int a = 0, c, rc;
	pthread_attr_t attr;
	cpu_set_t set;
	char *end;
	pthread_t t;
	uint32_t i;
	double ns;
	long v;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (sscanf(optarg, "%d,%d", &a, &b.cpu) != 2 || a < 0 || b.cpu < 0 ||
			    a >= CPU_SETSIZE || b.cpu >= CPU_SETSIZE || a == b.cpu) {
				fprintf(stderr, "%s: --cpus wants two different CPUs, e.g. 0,1\n",
					argv[0]);
				return 2;
			}
			break;
		case 'r':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 100000000) {
				fprintf(stderr, "%s: --rounds wants 1..100000000\n", argv[0]);
				return 2;
			}
			b.rounds = (uint32_t)v;
			break;
		case 'h':
			return usage(argv[0], 0);
		default:
			return usage(argv[0], 2);
		}
	}
	if (optind != argc)
		return usage(argv[0], 2);
	if (pin(a) != 0) {
		fprintf(stderr, "%s: cannot run on CPU %d\n", argv[0], a);
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(b.cpu, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	rc = pthread_create(&t, &attr, side_b, &b);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot start a thread on CPU %d: %s\n", argv[0], b.cpu,
			strerror(rc));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i <= b.rounds; i++) {
		__atomic_store_n(&line.turn, 2 * i - 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line.turn, __ATOMIC_ACQUIRE) != 2 * i)
			;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
		b.rounds / 2;
	printf("CPU %d <-> CPU %d: %.1f ns one way (%u round trips)\n", a, b.cpu, ns, b.rounds);
	return 0;
}
