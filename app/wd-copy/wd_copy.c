/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 WrapDrive authors
 */

/*
 * wd-copy: copy a file through a WrapDrive memcpy queue, the smallest
 * complete libwd program. The steps: request a queue by algorithm, share
 * the buffers with the device, send requests, receive completions in
 * order, release.
 *
 *   WD_EMU=wd_dummy_v1:1 wd-copy SRC DST
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wd.h>
#include <wd_dummy.h>

#define CHUNK (1u << 20)	/* bytes per request */

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: wd-copy [--dev NAME] [--verify] SRC DST\n"
		"Copy file SRC to DST with a WrapDrive memcpy queue (device_api wd_dummy_v1),\n"
		"%u KiB per request, all requests in flight at once.\n\n"
		"  --dev NAME  use this device (default: the best with a free queue)\n"
		"  --verify    compare DST with SRC afterwards\n"
		"  --help      this text\n\n"
		"Devices come from wd_dummy.ko, or from the emulator:\n"
		"  WD_EMU=wd_dummy_v1:1 wd-copy SRC DST\n"
		"Exit status: 0 copied, 1 a request failed, 2 usage or set-up error.\n",
		CHUNK >> 10);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "verify", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wd_capa capa = { .alg = "memcpy", .numa_node = WD_NUMA_ANY };
	struct wd_dummy_msg *msgs = NULL, *done;
	size_t size, nreq, sent = 0, got = 0, i;
	int verify = 0, c, in, out, rc = 2;
	uint8_t *src, *dst;
	struct wd_queue q;
	struct stat st;

	while ((c = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': capa.dev = optarg; break;
		case 'v': verify = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	in = open(argv[optind], O_RDONLY);
	if (in < 0 || fstat(in, &st) != 0 || st.st_size == 0) {
		fprintf(stderr, "wd-copy: %s: %s\n", argv[optind],
			in < 0 ? strerror(errno) : "empty or unreadable");
		return 2;
	}
	size = (size_t)st.st_size;
	out = open(argv[optind + 1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || ftruncate(out, (off_t)size) != 0) {
		fprintf(stderr, "wd-copy: %s: %s\n", argv[optind + 1], strerror(errno));
		return 2;
	}
	src = mmap(NULL, size, PROT_READ, MAP_SHARED, in, 0);
	dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, out, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		perror("wd-copy: mmap");
		return 2;
	}

	/* 1. A queue of any device that does "memcpy". */
	if (wd_request_queue(&q, &capa) != 0) {
		fprintf(stderr, "wd-copy: no memcpy queue (load wd_dummy.ko, or set "
			"WD_EMU=wd_dummy_v1:1)\n");
		return 2;
	}
	/* 2. The device may only touch what is shared with it. */
	if (wd_mem_share(&q, src, size, 0) != 0 || wd_mem_share(&q, dst, size, 0) != 0)
		goto release;

	/* 3. One message per chunk; the ring limits what is in flight. */
	nreq = (size + CHUNK - 1) / CHUNK;
	msgs = calloc(nreq, sizeof(*msgs));
	if (msgs == NULL)
		goto release;
	for (i = 0; i < nreq; i++) {
		size_t off = i * CHUNK;

		msgs[i] = (struct wd_dummy_msg){
			.src = (uintptr_t)(src + off), .dst = (uintptr_t)(dst + off),
			.len = (uint32_t)(size - off < CHUNK ? size - off : CHUNK),
			.op = WD_DUMMY_OP_COPY,
		};
	}
	rc = 0;
	while (got < nreq) {
		while (sent < nreq && wd_send(&q, &msgs[sent]) == 0)
			sent++;
		/* 4. Completions come back in submission order. */
		if (wd_recv_sync(&q, (void **)&done, 10000) != 0) {
			fprintf(stderr, "wd-copy: the device did not answer\n");
			rc = 1;
			break;
		}
		if (done->status != WD_DUMMY_ST_OK) {
			fprintf(stderr, "wd-copy: request %zu failed with status %u\n",
				(size_t)(done - msgs), done->status);
			rc = 1;
		}
		got++;
	}
	if (rc == 0 && verify && memcmp(src, dst, size) != 0) {
		fprintf(stderr, "wd-copy: verification failed\n");
		rc = 1;
	}
	if (rc == 0)
		printf("copied %zu bytes in %zu requests on %s (%s)%s\n", size, nreq, q.dev_name,
		       q.emulated ? "emulated" : "kernel", verify ? ", verified" : "");
	wd_mem_unshare(&q, dst, size);
	wd_mem_unshare(&q, src, size);
release:
	/* 5. Closing the queue gives its instance back. */
	wd_release_queue(&q);
	free(msgs);
	munmap(src, size);
	munmap(dst, size);
	close(in);
	close(out);
	return rc;
}
