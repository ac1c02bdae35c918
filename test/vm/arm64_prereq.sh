# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Sourced by the arm64 VM tests: arm64_prereq NAME exits 77 (meson's skip)
# with a SKIP line when the emulator, the arm64 kernel or the arm64 root is
# not there. Needs $top.
arm64_prereq() {
	local cache=${WD_CACHE:-$top/.deps} root
	root=${WD_ARM64_ROOT:-$cache/arm64-root/root}
	if ! command -v qemu-system-aarch64 >/dev/null; then
		echo "SKIP: $1: qemu-system-aarch64 missing (package qemu-system-arm; devtools/setup.sh)"
		exit 77
	fi
	if [ ! -f "$cache/arm64-kernel/VERSION" ]; then
		echo "SKIP: $1: no arm64 kernel in $cache/arm64-kernel (devtools/setup.sh)"
		exit 77
	fi
	if [ ! -x "$root/bin/bash" ]; then
		echo "SKIP: $1: no arm64 root in $root (devtools/arm64-root)"
		exit 77
	fi
}
