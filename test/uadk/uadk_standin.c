/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * A stand-in for UADK's libwd: the names UADK's library exports that
 * libwd exports too (UADK v1: wd_request_queue, wd_release_queue, wd_send,
 * wd_recv, wd_recv_sync; v2 has wd_send and wd_recv again), answering
 * with a mark so a caller can tell whose it reached. Built twice: with
 * UADK's symbol versions (uadk_standin.map, as UADK ships) and without
 * any (the worst case, e.g. LD_PRELOADed).
 */

#define STANDIN_MARK	(-4242)

int wd_request_queue(void *q);
void wd_release_queue(void *q);
int wd_send(void *q, void *req);
int wd_recv(void *q, void **resp);
int wd_recv_sync(void *q, void **resp, unsigned int ms);
int standin_calls(void);

static int calls;

int
wd_request_queue(void *q)
{
	calls++;
	return STANDIN_MARK;
}

void
wd_release_queue(void *q)
{
	calls++;
}

int
wd_send(void *q, void *req)
{
	calls++;
	return STANDIN_MARK;
}

int
wd_recv(void *q, void **resp)
{
	calls++;
	return STANDIN_MARK;
}

int
wd_recv_sync(void *q, void **resp, unsigned int ms)
{
	calls++;
	return STANDIN_MARK;
}

int
standin_calls(void)
{
	return calls;
}
