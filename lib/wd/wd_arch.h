/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

#ifndef _WD_ARCH_H_
#define _WD_ARCH_H_

/**
 * @file
 * The one place for what differs between CPU architectures (x86-64 and
 * arm64; anything else gets the portable C11 fallback):
 *
 *  - wd_cpu_relax(): the hint inside a spin-wait loop (PAUSE, YIELD);
 *  - wd_io_rmb() / wd_io_wmb(): order accesses to a device's register
 *    page against accesses to memory shared with the device (rings), as
 *    DPDK's rte_io_rmb() / rte_io_wmb(): a compiler barrier on x86, whose
 *    stores and loads are not reordered with each other that way; on
 *    arm64 "dmb oshld" / "dmb oshst", the outer-shareable domain that
 *    covers devices and every other CPU (so also a software engine on
 *    another core, such as the in-process device models);
 *  - wd_read32() / wd_write32() and their _relaxed forms: register
 *    accesses, plain volatile loads and stores of the naturally aligned
 *    word (never atomic read-modify-writes: device memory does not
 *    support them), with the barrier that makes wd_write32() a doorbell
 *    (every store before it is seen first) and wd_read32() a status read
 *    (nothing after it is done before it), as rte_write32() and
 *    rte_read32().
 *
 * Header-only, no link dependency (libwd does not depend on DPDK). Memory
 * shared with an engine as plain memory (descriptor flags, counters in
 * rings) uses C11 atomics with acquire/release order instead.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Compiler barrier: no memory access moves across it at compile time. */
static inline void
wd_compiler_barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

#if defined(__x86_64__) || defined(__i386__)

/** Spin-wait hint. */
static inline void
wd_cpu_relax(void)
{
	__builtin_ia32_pause();
}

/** Loads before it (register reads) complete before loads and stores after it. */
static inline void
wd_io_rmb(void)
{
	wd_compiler_barrier();
}

/** Stores before it are visible before stores after it (a doorbell). */
static inline void
wd_io_wmb(void)
{
	wd_compiler_barrier();
}

#elif defined(__aarch64__)

static inline void
wd_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

static inline void
wd_io_rmb(void)
{
	__asm__ volatile("dmb oshld" : : : "memory");
}

static inline void
wd_io_wmb(void)
{
	__asm__ volatile("dmb oshst" : : : "memory");
}

#else

static inline void
wd_cpu_relax(void)
{
	wd_compiler_barrier();
}

static inline void
wd_io_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void
wd_io_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

#endif

/** A 32-bit register read, unordered against other memory accesses. */
static inline uint32_t
wd_read32_relaxed(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

/** A 64-bit register read (counters), unordered. */
static inline uint64_t
wd_read64_relaxed(const volatile void *addr)
{
	return *(const volatile uint64_t *)addr;
}

/** A 32-bit register write, unordered against other memory accesses. */
static inline void
wd_write32_relaxed(volatile void *addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/** A 32-bit register read that later accesses do not pass. */
static inline uint32_t
wd_read32(const volatile void *addr)
{
	uint32_t v = wd_read32_relaxed(addr);

	wd_io_rmb();
	return v;
}

/** A 32-bit register write that earlier stores do not pass (a doorbell). */
static inline void
wd_write32(volatile void *addr, uint32_t v)
{
	wd_io_wmb();
	wd_write32_relaxed(addr, v);
}

#ifdef __cplusplus
}
#endif

#endif /* _WD_ARCH_H_ */
