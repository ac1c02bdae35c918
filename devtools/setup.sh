#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# One-shot, idempotent set-up for a Debian 12 machine (run as root):
#  1. installs every Debian package the build, tests, VM tier and docs need;
#  2. fetches the DPDK driver-SDK headers Debian leaves out, from Debian's
#     own dpdk source package of exactly the installed version;
#  3. fetches (never installs) the Debian kernel image matching the
#     installed linux-headers-amd64, for the QEMU test tier, and the arm64
#     image and headers of the same version with busybox-static:arm64 and
#     the mdev core's sources, for the arm64 kernel tier;
#  4. extracts the kernel's checkpatch.pl for the style checks;
#  5. makes the arm64 root (devtools/arm64-root) for the arm64 tier;
#  6. builds the tree and runs the main job (unless --no-run).
# A second run with nothing changed does no network access.

set -eu

usage() {
	cat <<EOF
Usage: devtools/setup.sh [--quiet] [--no-run] [--help]

Installs Debian packages, fetches the DPDK driver-SDK headers, the Debian
kernel image for the VM tier and checkpatch.pl into the cache directory
(\$WD_CACHE, default <repo>/.deps), then builds and runs the main job.

  --quiet    print only what is being changed (nothing when all is there)
  --no-run   stop after set-up: do not build or run the main job
  --help     this text
EOF
}

quiet=0
run=1
for arg in "$@"; do
	case "$arg" in
	--quiet) quiet=1 ;;
	--no-run) run=0 ;;
	--help|-h) usage; exit 0 ;;
	*) echo "setup.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
	esac
done

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${WD_CACHE:-$top/.deps}
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup: $*"; }
info() { [ "$quiet" = 1 ] || say "$@"; }
die() { echo "setup: error: $*" >&2; exit 1; }

PACKAGES="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc g++ make
libnuma-dev python3-pyelftools libssl-dev linux-headers-amd64 linux-source-6.1
qemu-system-x86 busybox-static cpio kmod dpkg-dev xz-utils clang llvm
libclang-rt-14-dev strace pycodestyle python3 uuid-runtime iproute2 dpdk-doc
mount openssl procps udev gnuplot-nox iputils-ping netcat-openbsd ethtool tcpdump
debhelper dh-dkms lintian mmdebstrap gcc-aarch64-linux-gnu qemu-user"
# the arm64 kernel tier: the arm64 system emulator
PACKAGES="$PACKAGES qemu-system-arm"

[ "$(id -u)" = 0 ] || die "run as root (installs packages and /etc/apt sources)"

# --- 1. packages -----------------------------------------------------------
missing=""
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
apt_updated=0
if [ -n "$missing" ]; then
	say "installing:$missing"
	apt-get update -q >/dev/null
	apt_updated=1
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
		die "apt-get install failed for:$missing"
else
	info "all Debian packages present"
fi

dpdk_ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
dpdk_src=$(dpkg-query -W -f='${source:Package}' libdpdk-dev)
dpdk_srcver=$(dpkg-query -W -f='${source:Version}' libdpdk-dev)
case "$dpdk_ver" in
22.11.*) ;;
*) die "DPDK $dpdk_ver installed; WrapDrive is pinned to 22.11.x" ;;
esac

# --- 2. deb-src entries derived from the machine's own apt sources ---------
# devtools/apt-deb-src.py reads every one-line and deb822 source, merges
# entries for the same archive and suite, and keeps Signed-By as apt holds
# it, so any valid mix of sources.list and *.sources works (tested on
# copies of apt layouts by test/build/apt_deb_src.sh).
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")

add_deb_src() {
	python3 "$top/devtools/apt-deb-src.py" --root / --codename "$codename" --write \
		>/dev/null || die "no Debian '$codename' apt source found to derive deb-src from"
}

# --- 3. DPDK driver-SDK headers ---------------------------------------------
SDK_HEADERS="bus_driver.h dev_driver.h cryptodev_pmd.h rte_dmadev_pmd.h
ethdev_driver.h ethdev_vdev.h bus_vdev_driver.h"
sdk=$cache/dpdk-sdk
fetch_sdk() {
	say "fetching DPDK $dpdk_srcver driver-SDK headers from Debian's source package"
	if ! apt-cache showsrc "$dpdk_src" 2>/dev/null | grep -q "^Version: $dpdk_srcver\$"; then
		add_deb_src
		apt-get update -q >/dev/null
	fi
	work=$(mktemp -d "$cache/.sdk.XXXXXX")
	(cd "$work" && apt-get source -q --download-only "$dpdk_src=$dpdk_srcver" >/dev/null 2>&1) ||
		die "apt-get source $dpdk_src=$dpdk_srcver failed"
	dpkg-source -q -x "$work"/"${dpdk_src}"_*.dsc "$work/src" >/dev/null 2>&1 ||
		die "dpkg-source -x failed"
	rm -rf "$sdk.new" && mkdir -p "$sdk.new/include"
	# Copy the named headers, then any header they include that Debian's
	# -dev package does not ship, until closed.
	todo=$SDK_HEADERS
	while [ -n "$todo" ]; do
		next=""
		for h in $todo; do
			[ -f "$sdk.new/include/$h" ] && continue
			f=$(find "$work/src/lib" "$work/src/drivers/bus" -name "$h" | head -n 1)
			[ -n "$f" ] || die "$h not found in $dpdk_src $dpdk_srcver"
			cp "$f" "$sdk.new/include/$h"
			for inc in $(sed -n 's/^#include [<"]\([a-z_0-9]*\.h\)[>"].*/\1/p' "$f"); do
				[ -e "/usr/include/dpdk/$inc" ] ||
					[ -e "/usr/include/x86_64-linux-gnu/dpdk/$inc" ] ||
					[ -e "/usr/include/$inc" ] ||
					[ -e "/usr/include/x86_64-linux-gnu/$inc" ] ||
					next="$next $inc"
			done
		done
		todo=$next
	done
	echo "$dpdk_srcver" >"$sdk.new/VERSION"
	rm -rf "$sdk" && mv "$sdk.new" "$sdk"
	rm -rf "$work"
}

sdk_ok() {
	[ "$(cat "$sdk/VERSION" 2>/dev/null)" = "$dpdk_srcver" ] || return 1
	for h in $SDK_HEADERS; do
		[ -f "$sdk/include/$h" ] || return 1
	done
}

mkdir -p "$cache"
if sdk_ok; then
	info "DPDK driver-SDK headers present ($dpdk_srcver)"
else
	fetch_sdk
fi

# --- 4. Debian kernel image for the VM tier ---------------------------------
kdep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
kabi=$(echo "$kdep" | sed -n 's/.*linux-headers-\([0-9.]*-[0-9]*-amd64\).*/\1/p')
kver=$(echo "$kdep" | sed -n 's/.*(= \([^)]*\)).*/\1/p')
[ -n "$kabi" ] || die "cannot tell the kernel ABI from linux-headers-amd64 ($kdep)"
kimg=$cache/linux-image
if [ "$(cat "$kimg/VERSION" 2>/dev/null)" = "$kabi $kver" ]; then
	info "kernel image $kabi ($kver) present"
else
	say "fetching linux-image-$kabi ($kver) for the VM tier (unpacked, not installed)"
	work=$(mktemp -d "$cache/.kimg.XXXXXX")
	for name in "linux-image-$kabi=$kver" "linux-image-$kabi-unsigned=$kver" \
		"linux-image-$kabi"; do
		(cd "$work" && apt-get download -q "$name" >/dev/null 2>&1) && break
	done
	deb=$(ls "$work"/linux-image-*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "apt-get download linux-image-$kabi failed"
	rm -rf "$kimg.new" && mkdir -p "$kimg.new"
	dpkg -x "$deb" "$kimg.new/root"
	depmod -b "$kimg.new/root" "$kabi"
	ln -s "root/boot/vmlinuz-$kabi" "$kimg.new/vmlinuz"
	echo "$kabi $kver" >"$kimg.new/VERSION"
	rm -rf "$kimg" && mv "$kimg.new" "$kimg"
	rm -rf "$work"
fi

# --- 4b. the same kernel for arm64: image, headers, busybox, mdev ---------------
# The arm64 kernel tier (devtools/vm-run --arch arm64, kmod/arm64): Debian's
# arm64 image and headers of the version above and busybox-static:arm64,
# downloaded from the machine's apt sources and unpacked, never installed.
# The headers' Makefile and kbuild links are pointed at the unpacked common
# headers and the host's (amd64) linux-kbuild-6.1, so kmod/ cross-builds
# with gcc-aarch64-linux-gnu. Debian's arm64 config leaves out VFIO_MDEV:
# its sources are taken from linux-source-6.1 and built with kmod/.
akabi=${kabi%-amd64}-arm64
akimg=$cache/arm64-kernel
if [ "$(cat "$akimg/VERSION" 2>/dev/null)" = "$akabi $kver" ]; then
	info "arm64 kernel image and headers $akabi ($kver) present"
else
	say "fetching linux-image-$akabi, its headers and busybox-static for arm64 (unpacked)"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt_updated=0
	fi
	if [ "$apt_updated" = 0 ] ||
		! apt-cache show "linux-headers-$akabi:arm64=$kver" >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		apt_updated=1
	fi
	work=$(mktemp -d "$cache/.akimg.XXXXXX")
	(cd "$work" && apt-get download -q "linux-image-$akabi-unsigned:arm64=$kver" \
		"linux-headers-$akabi:arm64=$kver" "linux-headers-${kabi%-amd64}-common=$kver" \
		busybox-static:arm64 >/dev/null 2>&1) ||
		die "apt-get download of the arm64 kernel $akabi ($kver) or busybox-static:arm64 failed"
	rm -rf "$akimg.new" && mkdir -p "$akimg.new"
	for deb in "$work"/*.deb; do
		case "$deb" in
		*/busybox-static_*) dpkg -x "$deb" "$work/busybox" ;;
		*) dpkg -x "$deb" "$akimg.new/root" ;;
		esac
	done
	cp "$work/busybox/bin/busybox" "$akimg.new/busybox"
	hdr=$akimg.new/root/usr/src/linux-headers-$akabi
	printf 'include $(dir $(lastword $(MAKEFILE_LIST)))../linux-headers-%s-common/Makefile\n' \
		"${kabi%-amd64}" >"$hdr/Makefile"
	for l in "$hdr/scripts" "$hdr/tools" "${hdr%-arm64}-common/scripts" \
		"${hdr%-arm64}-common/tools"; do
		rm -f "$l" && ln -s "/usr/lib/linux-kbuild-6.1/${l##*/}" "$l"
	done
	depmod -b "$akimg.new/root" "$akabi"
	ln -s "root/boot/vmlinuz-$akabi" "$akimg.new/vmlinuz"
	ln -s "root/usr/src/linux-headers-$akabi" "$akimg.new/build"
	echo "$akabi $kver" >"$akimg.new/VERSION"
	rm -rf "$akimg" && mv "$akimg.new" "$akimg"
	rm -rf "$work"
fi
# Paths (tar patterns) out of Debian's linux-source-6.1 into a cache
# directory, again only when the tarball is newer than the last extraction.
src_tar=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$src_tar" ] || die "linux-source-6.1 tarball missing"
from_linux_source() { # what dir strip-components pattern...
	local what=$1 dir=$2 strip=$3
	shift 3
	if [ -f "$dir/STAMP" ] && [ "$dir/STAMP" -nt "$src_tar" ]; then
		info "$what present"
		return 0
	fi
	say "extracting $what from $src_tar"
	rm -rf "$dir" && mkdir -p "$dir" &&
		tar -xf "$src_tar" -C "$dir" --strip-components="$strip" --wildcards "$@" ||
		die "cannot extract $what from $src_tar"
	touch "$dir/STAMP"
}
# mdev's sources, for kernels configured without it (kmod/arm64)
from_linux_source "drivers/vfio/mdev" "$akimg/mdev" 4 '*/drivers/vfio/mdev/*.[ch]'

# --- 5. checkpatch.pl from Debian's linux-source-6.1 --------------------------
from_linux_source checkpatch.pl "$cache/checkpatch" 2 '*/scripts/checkpatch.pl' \
	'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'

# --- 6. arm64 root for the cross build and the qemu-aarch64 tier ------------
# Debian's arm64 packages (DPDK of the host's version), unpacked once.
"$top/devtools/arm64-root" --quiet >/dev/null || die "devtools/arm64-root failed"

if [ "$run" = 1 ]; then
	exec "$top/devtools/main-job"
fi
