/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * The wd bus across DPDK processes. The primary owns every queue; it
 * publishes the devices it found in a memzone, and a secondary builds its
 * device list from there instead of discovering devices itself: the same
 * names in the same order (so device ids match), nothing created or
 * reclaimed, and a secondary started with another WD_EMU still sees the
 * primary's devices. Queues, rings and an emulated device's registers are
 * in DPDK memory (see wd_bus_dma.c), where a secondary reaches them; the
 * helpers at the end are what a PMD does about it in a secondary.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memzone.h>
#include <rte_string_fns.h>

#include <wd_drv.h>

#include "bus_wd_driver.h"
#include "wd_bus_private.h"

#define WD_BUS_MZ_NAME	"wd_bus_devices"
#define WD_BUS_MZ_EMU	1024

struct wd_bus_shared {
	uint32_t nb_devs;
	char emu[WD_BUS_MZ_EMU];	/* the primary's WD_EMU ("" unset) */
	struct wd_dev_info devs[WD_BUS_MP_MAX_DEVS];
};

int
wd_bus_mp_publish(const struct wd_dev_info *const *devs, unsigned int n)
{
	const struct rte_memzone *mz;
	struct wd_bus_shared *sh;
	const char *emu = getenv("WD_EMU");
	unsigned int i;

	mz = rte_memzone_lookup(WD_BUS_MZ_NAME);
	if (mz == NULL && n == 0)
		return 0;	/* nothing to tell */
	if (mz == NULL)
		mz = rte_memzone_reserve(WD_BUS_MZ_NAME, sizeof(*sh), SOCKET_ID_ANY, 0);
	if (mz == NULL) {
		WD_BUS_LOG(WARNING, "no memory to publish the devices to secondary processes");
		return -ENOMEM;
	}
	sh = mz->addr;
	if (n > WD_BUS_MP_MAX_DEVS) {
		WD_BUS_LOG(WARNING, "secondary processes see the first %d of %u devices",
			   WD_BUS_MP_MAX_DEVS, n);
		n = WD_BUS_MP_MAX_DEVS;
	}
	for (i = 0; i < n; i++)
		sh->devs[i] = *devs[i];
	strlcpy(sh->emu, emu != NULL ? emu : "", sizeof(sh->emu));
	__atomic_store_n(&sh->nb_devs, n, __ATOMIC_RELEASE);
	return 0;
}

int
wd_bus_mp_devices(struct wd_dev_info **infos)
{
	const struct rte_memzone *mz = rte_memzone_lookup(WD_BUS_MZ_NAME);
	const struct wd_bus_shared *sh;
	const char *emu = getenv("WD_EMU");
	unsigned int n;

	*infos = NULL;
	if (mz == NULL)
		return 0;	/* the primary has no wd devices (or no wd bus) */
	sh = mz->addr;
	n = __atomic_load_n(&sh->nb_devs, __ATOMIC_ACQUIRE);
	if (n > WD_BUS_MP_MAX_DEVS)
		return -EINVAL;
	if (emu != NULL && strcmp(emu, sh->emu) != 0)
		WD_BUS_LOG(WARNING, "WD_EMU='%s' here, '%s' in the primary: the primary's "
			   "devices are used", emu, sh->emu);
	if (n == 0)
		return 0;
	*infos = malloc(n * sizeof(**infos));
	if (*infos == NULL)
		return -ENOMEM;
	memcpy(*infos, sh->devs, n * sizeof(**infos));
	return (int)n;
}

int
rte_wd_primary_only(const char *name, const char *what)
{
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		return 0;
	WD_BUS_LOG(ERR, "%s: %s is for the primary process only", name, what);
	return -E_RTE_SECONDARY;
}

void
rte_wd_queues_detach(struct wd_queue *const *qs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (qs[i] != NULL)
			wd_queue_detach(qs[i]);
}

int
rte_wd_queues_attach(const char *name, struct wd_queue *const *qs, unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		if (qs[i] == NULL)
			continue;
		rc = wd_queue_attach(qs[i]);
		if (rc != 0) {
			WD_BUS_LOG(ERR, "%s: queue %u (%s) of the primary: %s", name, i,
				   qs[i]->uuid, strerror(-rc));
			rte_wd_queues_detach(qs, i);
			return rc;
		}
	}
	return 0;
}
