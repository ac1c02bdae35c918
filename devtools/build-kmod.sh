#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Build kmod/ out of the source tree with Kbuild:
#   build-kmod.sh <kmod source dir> <output dir> <kernel build dir> [<mdev source dir>]
# Kbuild writes next to the sources, so they are mirrored into the build
# directory first; the resulting .ko files land flat in <output dir>.
# ARCH and CROSS_COMPILE in the environment cross-build (kmod/arm64).
# A kernel configured without CONFIG_VFIO_MDEV (Debian's arm64) needs the
# mdev core's sources (drivers/vfio/mdev of the same kernel): they are
# built as mdev.ko with the modules.
set -eu
src=$1
out=$2
kdir=$3
mdev_src=${4:-}
mirror=$out/kbuild
mkdir -p "$mirror"
# Mirror sources (only newer files, so Kbuild's own dependency tracking
# keeps rebuilds incremental).
(cd "$src" && find . -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \
	-o -name Makefile \) -print) | while read -r f; do
	mkdir -p "$mirror/$(dirname "$f")"
	cmp -s "$src/$f" "$mirror/$f" || cp "$src/$f" "$mirror/$f"
done
# Shared with libwd: the SEC v1 BD decoder (kmod/wd_sec/Kbuild).
mkdir -p "$mirror/shared"
for f in wd_sec_bd.c wd_sec_bd.h; do
	cmp -s "$src/../lib/wd/$f" "$mirror/shared/$f" ||
		cp "$src/../lib/wd/$f" "$mirror/shared/$f"
done
if ! grep -q '^CONFIG_VFIO_MDEV=' "$kdir/.config"; then
	for f in mdev_core.c mdev_driver.c mdev_sysfs.c mdev_private.h; do
		[ -f "$mdev_src/$f" ] || {
			echo "build-kmod.sh: $kdir has no CONFIG_VFIO_MDEV and $f is not in" \
				"'$mdev_src' (run devtools/setup.sh)" >&2
			exit 1
		}
		cmp -s "$mdev_src/$f" "$mirror/mdev/$f" || cp "$mdev_src/$f" "$mirror/mdev/$f"
	done
fi
make -s -C "$kdir" M="$mirror" W=1 modules
find "$mirror" -name '*.ko' -exec cp {} "$out/" \;
