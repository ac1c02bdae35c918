#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# usertools/wd-devbind.py against wd.ko + wd_dummy.ko in Debian's kernel, in
# one boot: test/usertools/vm_guest.py runs status, create, remove, set,
# permission checks, the kill of a queue's owner, --clean and the instance
# free again. Fails on any FAIL line, a non-zero guest status or a kernel
# warning (vm-run's 125).
#   usertools_vm.sh <repo> <build dir>
set -u
top=$1
build=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
py=/usr/bin/python3
[ -x "$py" ] || py=python3

"$top/devtools/vm-run" --timeout 900 -- \
	"$py" "$top/test/usertools/vm_guest.py" "$top" "$build" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
npass=$(grep -c '^PASS:' "$out")
nfail=$(grep -c '^FAIL:' "$out")
echo "usertools_vm: $npass passed, $nfail failed, vm-run status $rc"
[ "$rc" = 0 ] && [ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
