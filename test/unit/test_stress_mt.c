/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * One queue across two threads, hard: a producer thread fills buffers and
 * calls wd_send(), a consumer thread calls wd_recv() and checks every
 * result (status, the message's identity and order, every byte), while
 * the emulated engine runs in a third thread. The queue's data path is
 * not locked (wd.h), so the two threads serialise their calls with a spin
 * lock, as the API asks; everything else crosses threads through the
 * queue itself: the producer's buffer bytes reach the consumer only
 * through the doorbell, the engine's copy and the completion. On a weak
 * memory model (arm64, here under qemu-aarch64 too) a missing barrier on
 * any of those edges shows up as a stale byte, a stale status or a lost
 * message.
 *
 *   test_stress_mt [messages]   (default 200000; WD_STRESS_MSGS too)
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wd.h"
#include "wd_arch.h"
#include "wd_dummy.h"
#include "wd_test.h"

#define SLOTS		64	/* messages with their buffers, reused in turn */
#define MAX_LEN		512	/* bytes per message, at most */

struct slot {
	struct wd_dummy_msg m;
	uint64_t seq;
	uint8_t src[MAX_LEN];
	uint8_t dst[MAX_LEN];
};

static struct slot slots[SLOTS];
static struct wd_queue q;
static int qlock;			/* serialises wd_send/wd_recv */
static uint64_t nb_msgs;
static uint64_t consumed;		/* consumer -> producer: slots free again */
static int errors, busy_sends;
static int first_error_shown;

/* Spin a little, then let the other threads (the engine too) run: the
 * test machine may have fewer cores than the three threads. */
static void
backoff(unsigned int *spins)
{
	if (++*spins < 64)
		wd_cpu_relax();
	else
		sched_yield();
}

static void
lock(void)
{
	while (__atomic_exchange_n(&qlock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&qlock, __ATOMIC_RELAXED))
			wd_cpu_relax();
}

static void
unlock(void)
{
	__atomic_store_n(&qlock, 0, __ATOMIC_RELEASE);
}

static uint32_t
msg_len(uint64_t seq)
{
	return 1 + (uint32_t)((seq * 2654435761u) % MAX_LEN);
}

static uint8_t
msg_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)((seq * 131) ^ (i * 7) ^ (seq >> 8));
}

/* FILL every fourth message, COPY the others. */
static int
msg_is_fill(uint64_t seq)
{
	return (seq & 3) == 3;
}

static uint64_t
fill_pattern(uint64_t seq)
{
	return 0x0101010101010101ull * (uint8_t)(seq | 1);
}

static void *
producer(void *arg)
{
	unsigned int spins;
	uint64_t seq;
	uint32_t i, len;
	int rc;

	(void)arg;
	for (seq = 0; seq < nb_msgs; seq++) {
		struct slot *s = &slots[seq % SLOTS];

		/* The slot is ours once the consumer checked its last use. */
		spins = 0;
		while (seq - __atomic_load_n(&consumed, __ATOMIC_ACQUIRE) >= SLOTS)
			backoff(&spins);
		len = msg_len(seq);
		for (i = 0; i < len; i++) {
			s->src[i] = msg_byte(seq, i);
			s->dst[i] = (uint8_t)~msg_byte(seq, i);
		}
		s->seq = seq;
		s->m = (struct wd_dummy_msg){
			.src = msg_is_fill(seq) ? fill_pattern(seq) : (uintptr_t)s->src,
			.dst = (uintptr_t)s->dst, .len = len,
			.op = msg_is_fill(seq) ? WD_DUMMY_OP_FILL : WD_DUMMY_OP_COPY,
			.status = 0xffff, .user = s };
		spins = 0;
		for (;;) {
			lock();
			rc = wd_send(&q, &s->m);
			unlock();
			if (rc != -EBUSY)
				break;
			__atomic_add_fetch(&busy_sends, 1, __ATOMIC_RELAXED);
			backoff(&spins);
		}
		if (rc != 0) {
			__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
			fprintf(stderr, "wd_send(#%llu): %d\n", (unsigned long long)seq, rc);
			break;
		}
	}
	return NULL;
}

static int
check_one(const struct slot *s, uint64_t seq)
{
	uint64_t pat = fill_pattern(seq);
	uint32_t i, len = msg_len(seq);
	uint8_t want;

	if (s->seq != seq || s->m.status != WD_DUMMY_ST_OK || s->m.len != len)
		return -1;
	for (i = 0; i < len; i++) {
		want = msg_is_fill(seq) ? (uint8_t)(pat >> (8 * (i & 7))) : msg_byte(seq, i);
		if (s->dst[i] != want)
			return (int)i + 1;
	}
	return 0;
}

static void *
consumer(void *arg)
{
	unsigned int spins;
	uint64_t seq;
	void *resp;
	int rc, bad;

	(void)arg;
	for (seq = 0; seq < nb_msgs; seq++) {
		struct slot *s = &slots[seq % SLOTS];
		struct timespec t0, t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		spins = 0;
		for (;;) {
			lock();
			rc = wd_recv(&q, &resp);
			unlock();
			if (rc != -EAGAIN)
				break;
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 20) {	/* lost: nothing more comes */
				rc = -ETIMEDOUT;
				break;
			}
			backoff(&spins);
		}
		if (rc != 0) {
			__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
			fprintf(stderr, "wd_recv for #%llu: %d\n", (unsigned long long)seq, rc);
			break;
		}
		if (resp != &s->m) {
			__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
			fprintf(stderr, "#%llu: wd_recv returned another message (out of order)\n",
				(unsigned long long)seq);
			break;
		}
		bad = check_one(s, seq);
		if (bad != 0) {
			__atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
			if (!first_error_shown++)
				fprintf(stderr, "#%llu (%s, %u bytes): status %u, %s %d\n",
					(unsigned long long)seq,
					msg_is_fill(seq) ? "fill" : "copy", msg_len(seq),
					s->m.status, bad < 0 ? "header" : "byte", bad - 1);
		}
		__atomic_store_n(&consumed, seq + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	const char *env = getenv("WD_STRESS_MSGS");
	struct timespec t0, t1;
	pthread_t tp, tc;
	double secs;

	nb_msgs = 200000;
	if (argc > 1)
		nb_msgs = strtoull(argv[1], NULL, 0);
	else if (env != NULL)
		nb_msgs = strtoull(env, NULL, 0);
	setenv("WD_SYSFS_ROOT", "/nonexistent", 1);
	/* A small ring: the producer keeps finding it full, the consumer
	 * keeps finding it empty, the engine keeps going idle and back. */
	setenv("WD_EMU", "wd_dummy_v1:1:depth=16", 1);

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	if (wd_test_failures)
		return wd_test_done("test_stress_mt");
	CHECK(wd_queue_depth(&q) == 16, "depth %u", wd_queue_depth(&q));
	CHECK_RC(wd_mem_share(&q, slots, sizeof(slots), 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&tc, NULL, consumer, NULL);
	pthread_create(&tp, NULL, producer, NULL);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(errors == 0, "%d of %llu messages wrong or lost", errors,
	      (unsigned long long)nb_msgs);
	CHECK(consumed == nb_msgs, "%llu of %llu messages checked",
	      (unsigned long long)consumed, (unsigned long long)nb_msgs);
	CHECK(wd_dummy_inflight(&q) == 0, "%u still in flight", wd_dummy_inflight(&q));
	printf("%llu messages across two threads in %.2f s, %d sends found the ring full\n",
	       (unsigned long long)consumed, secs, busy_sends);
	CHECK_RC(wd_mem_unshare(&q, slots, sizeof(slots)), 0);
	wd_release_queue(&q);
	return wd_test_done("test_stress_mt");
}
