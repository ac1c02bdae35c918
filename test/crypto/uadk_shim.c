/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * Test-only LD_PRELOAD shim: Debian's dpdk-test picks a cryptodev suite's
 * device by driver name, and has no command for crypto_wd_sec. Its
 * cryptodev_uadk_autotest suite is for a driver Debian does not build
 * (crypto_uadk, UADK being WrapDrive's upstream successor): answer that
 * name with crypto_wd_sec's driver id so the generic suite runs on ours.
 * Never part of the PMD.
 */

#include <dlfcn.h>
#include <string.h>

int rte_cryptodev_driver_id_get(const char *name);

int
rte_cryptodev_driver_id_get(const char *name)
{
	static int (*real)(const char *name);

	if (real == NULL)
		real = (int (*)(const char *))dlsym(RTLD_NEXT, "rte_cryptodev_driver_id_get");
	if (real == NULL)
		return -1;
	if (name != NULL && strcmp(name, "crypto_uadk") == 0)
		name = "crypto_wd_sec";
	return real(name);
}
