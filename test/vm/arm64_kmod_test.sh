#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# The kernel tier on arm64, one boot of devtools/vm-run --arch arm64 (Debian's
# arm64 kernel under qemu-system-aarch64, TCG; the arm64 root of
# devtools/arm64-root), build/kmod/arm64's mdev.ko loaded first:
#  - wd.ko + wd_dummy.ko: kmod_guest.sh main, with the cross-built static
#    wd_kmod_test (sysfs ABI, VFIO copies, GUP, remove while open, udev
#    permissions, unload);
#  - with the arm64 build (WD_ARM64_BUILD, default <repo>/build-arm64, made
#    by the cross file devtools/cross/arm64-debian.ini): libwd's VFIO
#    backend and wd-copy on wd_dummy.ko (dpdk_guest.sh libwd), and
#    wd_sec.ko with sec_engine_check against OpenSSL, wd-devbind.py, 100
#    SIGKILL rounds and unload/reload (sec_guest.sh engine); without it,
#    wd_sec.ko's sysfs, wd-devbind.py and unload/reload only (sec_guest.sh
#    kernel, said by a SKIP line);
#  - mdev.ko unloads; the kernel log stays clean.
# Skips (status 77) when the emulator, the arm64 kernel or the arm64 root is
# not there.
#   arm64_kmod_test.sh <repo> <build dir>
set -u
top=$1
build=$2
# shellcheck source=arm64_prereq.sh
. "$top/test/vm/arm64_prereq.sh"
arm64_prereq vm-arm64-kmod

export WD_KO_DIR=$build/kmod/arm64
export WD_KMOD_TEST=$build/test/vm/wd_kmod_test-arm64
abuild=${WD_ARM64_BUILD:-$top/build-arm64}
[ ! -d "$abuild" ] || abuild=$(cd "$abuild" && pwd -P)
with_build=1
for f in test/crypto/sec_engine_check test/vm/libwd_vfio_test app/wd-copy/wd-copy; do
	# an ELF file for EM_AARCH64 (183)
	[ -x "$abuild/$f" ] && [ "$(od -An -tu2 -j18 -N2 "$abuild/$f" | tr -d ' ')" = 183 ] ||
		with_build=0
done
[ "$with_build" = 1 ] || echo "SKIP: vm-arm64-kmod: no arm64 build in $abuild" \
	"(devtools/cross/arm64-debian.ini): no libwd checks, wd_sec.ko without the engine checks"
# shellcheck disable=SC2016
exec "$top/test/vm/vm_checks.sh" "$top" vm-arm64-kmod --arch arm64 --timeout 1200 \
	--load "$WD_KO_DIR/mdev.ko" -- bash -c '
		top=$1 build=$2 abuild=$3 with_build=$4
		echo "--- wd.ko, wd_dummy.ko"
		bash "$top/test/vm/kmod_guest.sh" "$top" "$build" main
		rc=$?
		if [ "$with_build" = 1 ]; then
			echo "--- libwd on wd_dummy.ko"
			insmod "$WD_KO_DIR/wd.ko" &&
				insmod "$WD_KO_DIR/wd_dummy.ko" devices=2 queues=4 || rc=1
			bash "$top/test/vm/dpdk_guest.sh" "$top" "$abuild" libwd || rc=1
			rmmod wd_dummy wd || { echo "FAIL: rmmod wd_dummy wd"; rc=1; }
			echo "--- wd_sec.ko"
			bash "$top/test/vm/sec_guest.sh" "$top" "$abuild" engine || rc=1
			# it ends with the modules loaded again
			rmmod wd_sec wd && echo "PASS: rmmod wd_sec wd" ||
				{ echo "FAIL: rmmod wd_sec wd"; rc=1; }
		else
			echo "--- wd_sec.ko"
			bash "$top/test/vm/sec_guest.sh" "$top" "$build" kernel || rc=1
		fi
		echo "--- mdev.ko"
		rmmod mdev && echo "PASS: rmmod mdev" || { echo "FAIL: rmmod mdev"; rc=1; }
		exit $rc' arm64-kmod "$top" "$build" "$abuild" "$with_build"
