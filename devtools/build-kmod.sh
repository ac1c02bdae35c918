#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Build kmod/ out of the source tree with Kbuild:
#   build-kmod.sh <kmod source dir> <output dir> <kernel build dir>
# Kbuild writes next to the sources, so they are mirrored into the build
# directory first; the resulting .ko files land flat in <output dir>.
set -eu
src=$1
out=$2
kdir=$3
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
make -s -C "$kdir" M="$mirror" W=1 modules
find "$mirror" -name '*.ko' -exec cp {} "$out/" \;
