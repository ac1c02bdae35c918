/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The data path makes no system call: a thread under a seccomp filter that
 * traps every system call (except rt_sigreturn) sends and receives 100000
 * requests through wd_send()/wd_recv(); the SIGSYS handler counts what
 * trapped. A deliberate getppid() afterwards proves the filter counts.
 */

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wd.h"
#include "wd_arch.h"
#include "wd_dummy.h"
#include "wd_test.h"

#define ROUNDS 100000

static int trapped;
static int last_nr = -1;
static int phase;	/* 1: in the loop, 2: loop done, 3: control done */
static int loop_traps, control_traps, copy_errors, setup_rc;
/* Under a user-mode emulator (WD_TEST_EMULATOR, set by the cross build's
 * test definitions) seccomp filters cannot be installed: qemu-user refuses
 * them (EINVAL), as they would bind the emulator. The rounds still run. */
static const char *emulator;

static void
on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	__atomic_add_fetch(&trapped, 1, __ATOMIC_RELAXED);
	last_nr = si->si_syscall;
}

static int
trap_all_syscalls(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	/* Without TSYNC the filter binds this thread only. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return -errno;
	return 0;
}

static void *
datapath(void *arg)
{
	struct wd_queue *q = arg;
	static uint64_t src[8], dst[8];
	struct wd_dummy_msg m;
	void *resp;
	int i, rc;

	setup_rc = trap_all_syscalls();
	if (setup_rc == -EINVAL && emulator != NULL) {
		printf("SKIP the system call count: %s does not emulate seccomp filters\n",
		       emulator);
	} else if (setup_rc != 0) {
		__atomic_store_n(&phase, 3, __ATOMIC_RELEASE);
		return NULL;
	}
	__atomic_store_n(&phase, 1, __ATOMIC_RELEASE);
	for (i = 0; i < ROUNDS; i++) {
		src[i & 7] = (uint64_t)i;
		m = (struct wd_dummy_msg){ .src = (uintptr_t)src, .dst = (uintptr_t)dst,
					   .len = sizeof(src), .op = WD_DUMMY_OP_COPY };
		while ((rc = wd_send(q, &m)) == -EBUSY)
			;
		while ((rc = wd_recv(q, &resp)) == -EAGAIN)
			;
		if (rc != 0 || m.status != WD_DUMMY_ST_OK || dst[i & 7] != (uint64_t)i)
			copy_errors++;
	}
	loop_traps = __atomic_load_n(&trapped, __ATOMIC_RELAXED);
	__atomic_store_n(&phase, 2, __ATOMIC_RELEASE);
	syscall(SYS_getppid);
	control_traps = __atomic_load_n(&trapped, __ATOMIC_RELAXED) - loop_traps;
	__atomic_store_n(&phase, 3, __ATOMIC_RELEASE);
	/* Leaving would make system calls: park until the process exits. */
	for (;;)
		wd_cpu_relax();
	return NULL;
}

int
main(void)
{
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	struct timespec ts = { 0, 1000000 };
	struct sigaction sa;
	struct wd_queue q;
	pthread_t t;
	int rc;

	setenv("WD_SYSFS_ROOT", "/nonexistent", 1);
	setenv("WD_EMU", "wd_dummy_v1:1", 1);
	emulator = getenv("WD_TEST_EMULATOR");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);

	CHECK_RC(wd_request_queue(&q, &capa), 0);
	/* With WD_CAPA_SHARE_ALL absent, the buffers must be shared. */
	{
		extern char __executable_start, _end;

		CHECK_RC(wd_mem_share(&q, &__executable_start,
				      (size_t)(&_end - &__executable_start), 0), 0);
	}
	pthread_create(&t, NULL, datapath, &q);
	while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != 3)
		nanosleep(&ts, NULL);
	CHECK(copy_errors == 0, "%d copies failed", copy_errors);
	if (setup_rc == -EINVAL && emulator != NULL) {
		printf("%d send/recv rounds (system calls not counted)\n", ROUNDS);
	} else {
		CHECK(setup_rc == 0, "cannot install the seccomp filter: %s",
		      strerror(-setup_rc));
		CHECK(loop_traps == 0, "%d system calls in %d send/recv rounds (last nr %d)",
		      loop_traps, ROUNDS, last_nr);
		CHECK(control_traps == 1, "the filter missed a deliberate getppid(): %d",
		      control_traps);
		printf("%d send/recv rounds, %d system calls on the data path\n", ROUNDS,
		       loop_traps);
	}
	/* exit_group from this thread ends the parked one; no cleanup. */
	rc = wd_test_done("test_nosyscall");
	fflush(stdout);
	_exit(rc);
}
