/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Where the emulated devices' engines run. The engine stands in for an
 * accelerator: it must not take the time of the lcores that poll it. At
 * the first scan (before EAL pins its threads) the bus knows the CPUs the
 * process may use and the CPUs EAL gives lcores (application and service
 * ones):
 * - CPUs no lcore uses: the engines run there;
 * - none left (e.g. -l 0,1 on two CPUs): the engines share the main
 *   lcore's CPU, SCHED_FIFO so they run as soon as work comes (and sleep
 *   200 us after it is done, as everywhere: a shorter wait cost half the
 *   throughput in wake-ups); most applications' main lcore only waits for
 *   the workers (dpdk-test-crypto-perf, testpmd) or serves a console.
 * WD_EMU's cpu= and the WD_EMU_ENGINE_CPU, WD_EMU_ENGINE_RT and
 * WD_EMU_ENGINE_SPIN_US variables override this (doc/guides/buses/wd.rst).
 */

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_log.h>

#include <wd_drv.h>

#include "wd_bus_private.h"

void
wd_bus_engine_place(void)
{
	static int placed;
	unsigned int cpus[CPU_SETSIZE], n = 0, i, lcore, main_cpu = 0;
	cpu_set_t allowed, used, lset;
	char list[128] = "";
	size_t len = 0;
	int cpu, shared;

	if (placed++ || sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return;
	CPU_ZERO(&used);
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		if (rte_eal_lcore_role(lcore) == ROLE_OFF)
			continue;
		lset = rte_lcore_cpuset(lcore);
		CPU_OR(&used, &used, &lset);
		if (lcore == rte_get_main_lcore())
			for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
				if (CPU_ISSET(cpu, &lset)) {
					main_cpu = (unsigned int)cpu;
					break;
				}
	}
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed) && !CPU_ISSET(cpu, &used))
			cpus[n++] = (unsigned int)cpu;
	shared = n == 0;
	if (shared)
		cpus[n++] = main_cpu;
	wd_emu_engine_placement(cpus, n, shared);
	for (i = 0; i < n && len + 12 < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u", i ? "," : "",
					cpus[i]);
	WD_BUS_LOG(DEBUG, "emulated engines: CPU %s%s", list,
		   shared ? " (the main lcore's, shared: SCHED_FIFO)" :
		   " (no lcore there)");
}
