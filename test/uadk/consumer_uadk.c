/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/* A user of UADK's libwd (as DPDK's crypto/uadk): linked to the stand-in. */

int wd_request_queue(void *q);
int uadk_user_request(void);

int
uadk_user_request(void)
{
	char q[512] = { 0 };

	return wd_request_queue(q);
}
