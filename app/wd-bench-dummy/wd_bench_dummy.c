/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * wd-bench-dummy: copy throughput of a WrapDrive memcpy queue against
 * plain memcpy() on the application's core, in the same run.
 *
 * The emulated engine needs a core of its own, as hardware would have: by
 * default the benchmark runs on CPU 0 and declares
 * WD_EMU=wd_dummy_v1:1:cpu=1 (unless WD_EMU is already set).
 */

#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wd.h>
#include <wd_dummy.h>

#define MAX_BURST 64

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct result {
	double ops, secs;
	unsigned int errors;
};

/* Keep @burst requests in flight for @secs seconds. */
static struct result
bench_wd(struct wd_queue *q, uint8_t *src, uint8_t *dst, size_t size, unsigned int burst,
	double secs)
{
	struct wd_dummy_msg msgs[MAX_BURST], *out[MAX_BURST];
	struct result r = { 0, 0, 0 };
	double start = now_s(), end = start + secs;
	unsigned int i, n, inflight = 0;
	uint64_t ops = 0;
	int k;

	for (i = 0; i < burst; i++)
		msgs[i] = (struct wd_dummy_msg){
			.src = (uintptr_t)(src + i * size), .dst = (uintptr_t)(dst + i * size),
			.len = (uint32_t)size, .op = WD_DUMMY_OP_COPY,
		};
	for (i = 0; i < burst; i++)
		out[i] = &msgs[i];
	for (;;) {
		if (inflight == 0) {
			if ((ops & 63) == 0 && now_s() >= end)
				break;
			k = wd_dummy_send_burst(q, out, burst);
			inflight = k > 0 ? (unsigned int)k : 0;
		}
		k = wd_dummy_recv_burst(q, out + (burst - inflight), inflight);
		if (k <= 0)
			continue;
		for (n = 0; n < (unsigned int)k; n++)
			r.errors += out[burst - inflight + n]->status != WD_DUMMY_ST_OK;
		inflight -= (unsigned int)k;
		ops += (uint64_t)k;
	}
	r.secs = now_s() - start;
	r.ops = (double)ops;
	return r;
}

static struct result
bench_memcpy(uint8_t *src, uint8_t *dst, size_t size, unsigned int burst, double secs)
{
	struct result r = { 0, 0, 0 };
	double start = now_s(), end = start + secs;
	uint64_t ops = 0;
	unsigned int i;

	while (now_s() < end) {
		for (i = 0; i < burst; i++)
			memcpy(dst + i * size, src + i * size, size);
		/* keep the copies from being optimised away */
		__asm__ volatile("" : : "r"(dst) : "memory");
		ops += burst;
	}
	r.secs = now_s() - start;
	r.ops = (double)ops;
	return r;
}

/* Nanoseconds the emulated engine thread ("wd-emu-*") has run, or -1. */
static long long
engine_ns(void)
{
	char path[300], comm[32];
	struct dirent *e;
	long long ns = -1;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc/self/task");
	if (dir == NULL)
		return -1;
	while (ns < 0 && (e = readdir(dir)) != NULL) {
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) == NULL || strncmp(comm, "wd-emu-", 7) != 0) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (f != NULL && fscanf(f, "%lld", &ns) != 1)
			ns = -1;
		if (f != NULL)
			fclose(f);
	}
	closedir(dir);
	return ns;
}

/* One copy, then @secs seconds without requests: the engine's CPU share. */
static int
idle_cost(struct wd_queue *q, uint8_t *src, uint8_t *dst, double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };
	struct result w = bench_wd(q, src, dst, 64, 1, 0.01);
	long long a, b;

	if (w.errors != 0)
		return 1;
	/* the engine's polling after the last request is part of the cost */
	a = engine_ns();
	nanosleep(&ts, NULL);
	b = engine_ns();
	if (a < 0 || b < 0) {
		fprintf(stderr, "wd-bench-dummy: no engine thread (wd-emu-*) to measure\n");
		return 1;
	}
	printf("idle engine: %.3f ms of CPU in %.1f s (%.3f%% of a core)\n", (b - a) / 1e6,
	       secs, (double)(b - a) / (secs * 1e7));
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: wd-bench-dummy [--time MS] [--cpu N] [--dev NAME] [--idle S]\n"
		"Copy ops/s and GB/s of a wd_dummy_v1 queue against memcpy() on the same\n"
		"core, for 64 B..64 KiB and bursts of 1 and 32, printed as a table.\n\n"
		"  --time MS   duration of each measurement (default 300)\n"
		"  --cpu N     run on CPU N (default 0; -1: do not pin)\n"
		"  --dev NAME  use this device\n"
		"  --idle S    instead: one copy, then S seconds without requests; print\n"
		"              the CPU time the emulated engine used meanwhile\n\n"
		"Without WD_EMU set, WD_EMU=wd_dummy_v1:1:cpu=1 is used: the emulated engine\n"
		"polls on CPU 1 (add WD_EMU_ENGINE_RT=1 for SCHED_FIFO).\n");
}

int
main(int argc, char **argv)
{
	static const size_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	static const unsigned int bursts[] = { 1, 32 };
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "dev", required_argument, NULL, 'd' },
		{ "idle", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	size_t span = 32 * 65536, si;
	double secs = 0.3, idle = 0;
	int cpu = 0, c, rc = 0;
	unsigned int bi;
	uint8_t *src, *dst;
	struct wd_queue q;
	char *end;

	while ((c = getopt_long(argc, argv, "t:c:d:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			secs = strtod(optarg, &end) / 1000.0;
			if (*end != '\0' || secs <= 0) {
				fprintf(stderr, "wd-bench-dummy: bad --time '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			cpu = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || cpu < -1) {
				fprintf(stderr, "wd-bench-dummy: bad --cpu '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd': capa.dev = optarg; break;
		case 'i':
			idle = strtod(optarg, &end);
			if (*end != '\0' || idle <= 0 || idle > 3600) {
				fprintf(stderr, "wd-bench-dummy: bad --idle '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	setenv("WD_EMU", "wd_dummy_v1:1:cpu=1", 0);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
			fprintf(stderr, "wd-bench-dummy: cannot pin to CPU %d\n", cpu);
	}
	src = aligned_alloc(4096, span);
	dst = aligned_alloc(4096, span);
	if (src == NULL || dst == NULL)
		return 2;
	memset(src, 0xa5, span);
	memset(dst, 0, span);
	if (wd_request_queue(&q, &capa) != 0)
		return 2;
	if (wd_mem_share(&q, src, span, 0) != 0 || wd_mem_share(&q, dst, span, 0) != 0) {
		wd_release_queue(&q);
		return 2;
	}
	printf("device %s (%s), WD_EMU=%s, app CPU %d, %.0f ms per cell\n", q.dev_name,
	       q.emulated ? "emulated" : "kernel", getenv("WD_EMU"), cpu, secs * 1000);
	if (idle > 0) {
		rc = idle_cost(&q, src, dst, idle);
		goto out;
	}
	printf("%8s %5s %12s %9s %12s %9s %8s\n", "size", "burst", "wd Mops/s", "wd GB/s",
	       "cpu Mops/s", "cpu GB/s", "wd/cpu");
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (bi = 0; bi < sizeof(bursts) / sizeof(bursts[0]); bi++) {
			struct result w = bench_wd(&q, src, dst, sizes[si], bursts[bi], secs);
			struct result m = bench_memcpy(src, dst, sizes[si], bursts[bi], secs);
			double wops = w.ops / w.secs, mops = m.ops / m.secs;

			printf("%8zu %5u %12.3f %9.2f %12.3f %9.2f %8.2f\n", sizes[si],
			       bursts[bi], wops / 1e6, wops * (double)sizes[si] / 1e9, mops / 1e6,
			       mops * (double)sizes[si] / 1e9, wops / mops);
			if (w.errors != 0) {
				fprintf(stderr, "wd-bench-dummy: %u copies failed\n", w.errors);
				rc = 1;
			}
		}
	}
out:
	wd_mem_unshare(&q, src, span);
	wd_mem_unshare(&q, dst, span);
	wd_release_queue(&q);
	free(src);
	free(dst);
	return rc;
}
