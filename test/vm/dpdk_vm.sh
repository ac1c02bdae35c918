#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# One boot: wd.ko + wd_dummy.ko loaded, then dpdk_guest.sh. Fails on any
# FAIL line, a non-zero guest status or a kernel warning.
#   dpdk_vm.sh <repo> <build dir>
set -u
top=$1
build=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/devtools/vm-run" --timeout 900 --load "$build/kmod/wd.ko" \
	--load "$build/kmod/wd_dummy.ko:devices=2 queues=4" -- \
	bash "$top/test/vm/dpdk_guest.sh" "$top" "$build" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
npass=$(grep -c '^PASS:' "$out")
nfail=$(grep -c '^FAIL:' "$out")
echo "dpdk_vm: $npass passed, $nfail failed, vm-run status $rc"
[ "$rc" = 0 ] && [ "$nfail" = 0 ] && [ "$npass" = 7 ]
