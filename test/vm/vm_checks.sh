#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# One boot of devtools/vm-run running a guest script that prints
# "PASS: ..." / "FAIL: ..." lines. Fails on any FAIL line, no PASS line,
# a non-zero guest status or a kernel warning (vm-run's 125).
#   vm_checks.sh <repo> <name> [vm-run options] -- <guest command...>
set -u
top=$1
name=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/devtools/vm-run" "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
npass=$(grep -c '^PASS:' "$out")
nfail=$(grep -c '^FAIL:' "$out")
echo "$name: $npass passed, $nfail failed, vm-run status $rc"
[ "$rc" = 0 ] && [ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
