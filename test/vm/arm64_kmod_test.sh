#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# The kernel tier on arm64, one boot of devtools/vm-run --arch arm64 (Debian's
# arm64 kernel under qemu-system-aarch64, TCG; the arm64 root of
# devtools/arm64-root): build/kmod/arm64's mdev.ko, then wd.ko + wd_dummy.ko
# (kmod_guest.sh main, with the cross-built wd_kmod_test) and wd_sec.ko
# (sec_guest.sh kernel: sysfs, wd-devbind.py, unload and reload). Skips
# (status 77) when the emulator, the arm64 kernel or the arm64 root is not
# there.
#   arm64_kmod_test.sh <repo> <build dir>
set -u
top=$1
build=$2
# shellcheck source=arm64_prereq.sh
. "$top/test/vm/arm64_prereq.sh"
arm64_prereq vm-arm64-kmod

export WD_KO_DIR=$build/kmod/arm64
export WD_KMOD_TEST=$build/test/vm/wd_kmod_test-arm64
# shellcheck disable=SC2016
exec "$top/test/vm/vm_checks.sh" "$top" vm-arm64-kmod --arch arm64 --timeout 1200 \
	--load "$WD_KO_DIR/mdev.ko" -- bash -c '
		echo "--- wd.ko, wd_dummy.ko"
		bash "$1/test/vm/kmod_guest.sh" "$1" "$2" main
		rc=$?
		echo "--- wd_sec.ko"
		bash "$1/test/vm/sec_guest.sh" "$1" "$2" kernel || rc=1
		echo "--- mdev.ko"
		rmmod mdev && echo "PASS: rmmod mdev" || { echo "FAIL: rmmod mdev"; rc=1; }
		exit $rc' arm64-kmod "$top" "$build"
