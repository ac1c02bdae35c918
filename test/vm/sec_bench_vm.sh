#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# The application-core cost of crypto_wd_sec on the kernel SEC engine
# against the in-process model and crypto_openssl: one guest of vm-run
# --accel icount (app/wd-crypto-bench/wd-crypto-bench-vm --icount), where
# the TSC counts executed instructions, so the enqueue + dequeue cost per
# operation is the same from run to run. Prints the table; fails when a
# row is missing or the kernel path costs the application more than the
# model (the criterion; 10% for an engine wake-up or a timer
# interrupt that lands in a timed call in every one of the three runs).
#   sec_bench_vm.sh <repo> <build dir>
set -u
top=$1
build=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/app/wd-crypto-bench/wd-crypto-bench-vm" --icount --build "$build" --ops 4000 2>&1 |
	tee "$out"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "FAIL: wd-crypto-bench-vm exited with $rc"; exit 1; }
awk '
	$1 ~ /^crypto_/ && $2 ~ /^[0-9]+$/ { c[$1, $2] = $5; sizes[$2] = 1 }
	END {
		bad = 0
		for (s in sizes) {
			k = c["crypto_wd_sec:kernel", s]; m = c["crypto_wd_sec:model", s]
			o = c["crypto_openssl", s]
			if (k <= 0 || m <= 0 || o <= 0) {
				printf "FAIL: %s B: a row is missing\n", s; bad = 1; continue
			}
			if (k > m * 1.10) {
				printf "FAIL: %s B: kernel path %.1f app instructions/op > model %.1f\n",
					s, k, m
				bad = 1
			} else {
				printf "PASS: %s B: kernel path %.1f app instructions/op, model %.1f, " \
					"crypto_openssl %.1f\n", s, k, m, o
			}
		}
		if (length(sizes) == 0) { print "FAIL: no table"; bad = 1 }
		exit bad
	}' "$out"
