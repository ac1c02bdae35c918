#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# wd.ko and wd_dummy.ko in Debian's kernel: one boot per section, running
# kmod_guest.sh (many checks per boot). Fails on any FAIL line, a non-zero
# guest status or a kernel warning (vm-run's 125).
#   kmod_test.sh <repo> <build dir> main|stress
set -u
top=$1
build=$2
section=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$top/devtools/vm-run" --timeout 2400 -- \
	bash "$top/test/vm/kmod_guest.sh" "$top" "$build" "$section" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
npass=$(grep -c '^PASS:' "$out")
nfail=$(grep -c '^FAIL:' "$out")
echo "kmod_test $section: $npass passed, $nfail failed, vm-run status $rc"
[ "$rc" = 0 ] && [ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
