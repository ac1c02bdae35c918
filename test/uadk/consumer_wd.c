/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* A user of WrapDrive's libwd (as crypto_wd_sec): one SEC v1 queue round
 * trip, a BD that must come back completed. */

#include <string.h>

#include "wd.h"
#include "wd_sec.h"

int wd_user_request(void);

int
wd_user_request(void)
{
	struct wd_capa capa = { .alg = "cipher", .device_api = HISI_SEC_API,
				.numa_node = WD_NUMA_ANY };
	struct wd_sec_msg m, *r = NULL;
	struct wd_queue q;
	int rc;

	rc = wd_request_queue(&q, &capa);
	if (rc != 0)
		return rc;
	/* An empty BD: refused by the engine (BAD_BD), but completed. */
	memset(&m, 0, sizeof(m));
	rc = wd_send_sync(&q, &m, 5000);
	if (rc == 0)
		rc = wd_recv_sync(&q, (void **)&r, 5000);
	if (rc == 0 && (r != &m || m.status != WD_SEC_ST_BAD_BD))
		rc = -1;
	wd_release_queue(&q);
	return rc;
}
