#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# The Debian packages, end to end:
#   package_test.sh <repo> <build dir> chroot
#     builds the packages (devtools/build-debs), checks them with lintian,
#     installs them with apt into a throw-away Debian 12 root made from
#     Debian's packages (devtools/pkg-root), where DKMS builds the modules
#     for Debian's 6.1 kernel and test/package/chroot_checks.sh runs
#     Debian's DPDK apps on the emulated devices without -d; then purges
#     the packages and requires the root to be as it was before.
#   package_test.sh <repo> <build dir> vm
#     the same packages; only wrapdrive-dkms installed in the root, and
#     the modules DKMS built there are booted in Debian's kernel
#     (devtools/vm-run) for the dummy-engine checks of
#     test/vm/kmod_guest.sh (main section), loaded from that package's
#     module directory, not from the build tree.
set -u
top=$1
build=$2
mode=$3
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
die() { echo "FAIL: $*"; exit 1; }
stamp() { echo "[${SECONDS}s] $*"; }

[ "$(id -u)" = 0 ] || die "needs root (a chroot, mounts, dpkg in it)"
work=$(mktemp -d "$build/package.XXXXXX")
root=$work/root
cleanup() {
	# The namespaces' mounts went with their processes; nothing is mounted.
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# in_root COMMAND...: run in the root, in a mount namespace of its own
# (proc, sys, dev mounted there and gone when the command ends).
in_root() {
	unshare --mount --propagation private -- sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" &&
			mount --rbind /dev "$r/dev" || exit 125
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$@"
}

stamp "building the packages"
"$top/devtools/build-debs" "$work/debs" >/dev/null || die "devtools/build-debs failed"
debs=$(cd "$work/debs" && for d in *.deb; do case $d in *-dbgsym_*) ;; *) echo "$d" ;; esac; done)
pass "dpkg-buildpackage -us -uc -b: $(echo $debs)"

if [ "$mode" = chroot ]; then
	# Lintian: errors and warnings fail (the overrides in debian/ say why
	# each is there); info tags are printed.
	lintian --info --pedantic "$work"/debs/*.changes >"$work/lintian" 2>&1
	grep -E '^[EWIPX]: ' "$work/lintian" | sort -u
	if grep -qE '^[EW]: ' "$work/lintian"; then
		fail "lintian reports errors or warnings"
	else
		pass "lintian: no error or warning"
	fi
fi

stamp "unpacking the Debian root"
tar=$("$top/devtools/pkg-root" --quiet) || die "devtools/pkg-root failed"
mkdir "$root"
tar -xf "$tar" -C "$root" --numeric-owner || die "cannot unpack $tar"
mkdir -p "$root/tmp/wd"
cp "$work"/debs/*.deb "$top/test/package/chroot_checks.sh" "$top/app/wd-copy/wd_copy.c" \
	"$root/tmp/wd/"

# What the root holds before: every path but dpkg's and apt's own records,
# caches and logs (find's list, compared after the purge).
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o \
		-path ./tmp -o -path ./run -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o \
		-path ./var/cache -o -path ./var/log \) -prune -o -print | sort)
}
snapshot >"$work/before"

if [ "$mode" = vm ]; then
	install="/tmp/wd/$(cd "$work/debs" && ls wrapdrive-dkms_*.deb)"
else
	install=$(for d in $debs; do printf '/tmp/wd/%s ' "$d"; done)
fi
stamp "apt-get install $install"
# shellcheck disable=SC2086
in_root apt-get install -y -q --no-install-recommends $install >"$work/apt" 2>&1
rc=$?
grep -E 'Building for|Building initial|Done|Error|error' "$work/apt"
[ $rc = 0 ] || { tail -n 40 "$work/apt"; die "apt-get install failed in the root"; }
pass "apt-get install of the packages in a fresh Debian root"

# DKMS built the modules for the kernel whose headers are in the root (the
# one the VM tier boots), and installed them under updates/dkms.
kabi=$(cd "$root/lib/modules" && ls -d *-amd64 | head -n 1)
kodir=$root/lib/modules/$kabi/updates/dkms
for m in wd wd_dummy wd_sec wd_hns; do
	f=$(ls "$kodir/$m.ko"* 2>/dev/null | head -n 1)
	if [ -n "$f" ] && [ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$kabi" ]; then
		pass "DKMS built $m.ko for $kabi"
	else
		fail "DKMS did not build $m.ko for $kabi"
	fi
done
st=$(in_root dkms status wrapdrive)
case "$st" in
*"$kabi"*installed*) pass "dkms status: $st" ;;
*) fail "dkms status: '$st'" ;;
esac

if [ "$mode" = vm ]; then
	# The guest sees the host's files: the package's modules are copied
	# out of the root (read-only for the guest, as the build tree is).
	ko=$build/package-dkms-ko
	rm -rf "$ko" && mkdir -p "$ko"
	for m in wd wd_dummy; do
		f=$(ls "$kodir/$m.ko"*)
		case "$f" in
		*.xz) xz -dc "$f" >"$ko/$m.ko" ;;
		*) cp "$f" "$ko/$m.ko" ;;
		esac
	done
	cmp -s "$ko/wd.ko" "$build/kmod/wd.ko" 2>/dev/null &&
		fail "the DKMS wd.ko is the build tree's file"
	stamp "booting Debian's kernel with the DKMS modules"
	WD_KO_DIR=$ko nice -n 10 "$top/test/vm/kmod_test.sh" "$top" "$build" main ||
		fail "the VM's dummy-engine checks with the DKMS modules"
	echo "package_test vm: $fails failed"
	[ $fails = 0 ]
	exit
fi

stamp "Debian's DPDK apps in the root"
in_root bash /tmp/wd/chroot_checks.sh || fail "checks in the root (see above)"

stamp "purging the packages"
pkgs=$(for d in $debs; do echo "${d%%_*}"; done)
# shellcheck disable=SC2086
in_root apt-get purge -y -q $pkgs >"$work/purge" 2>&1 ||
	{ tail -n 30 "$work/purge"; fail "apt-get purge failed"; }
left=$(in_root dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $pkgs 2>/dev/null |
	grep -v ' un *$' || true)
if [ -z "$left" ]; then pass "dpkg knows none of the packages after the purge"; else
	fail "still known to dpkg: $left"; fi
snapshot >"$work/after"
# Not ours, and kept by design: depmod's index files for the kernel (made
# by the first module install, rebuilt without our modules on removal) and
# the module-signing key dkms makes once for every DKMS package.
not_ours='^\./usr/lib/modules/[^/]*/modules\.[a-z.]*$|^\./var/lib/dkms/mok\.(key|pub)$'
diff "$work/before" "$work/after" | sed -n 's/^[<>] //p' >"$work/changed"
grep -Ev "$not_ours" "$work/changed" >"$work/left"
if [ ! -s "$work/left" ]; then
	pass "after the purge the root holds the files it held before" \
		"(+ $(wc -l <"$work/changed") depmod indexes / dkms signing key)"
else
	fail "the purge left the root changed:"
	sed 's/^/  /' "$work/left" | head -n 40
fi
if grep -qE '(^|/)(wd|wd_dummy|wd_sec|wd_hns)\.ko' "$root"/usr/lib/modules/*/modules.dep \
	2>/dev/null; then
	fail "depmod's modules.dep still lists WrapDrive modules"
else
	pass "depmod's modules.dep lists no WrapDrive module"
fi
if [ -n "$(ls "$root/tmp/wd/"*.deb)" ] && ! in_root sh -c \
	'ls /usr/lib/*/dpdk/pmds-*/*wd* /usr/src/wrapdrive* /lib/modules/*/updates/dkms/wd* /var/lib/dkms/wrapdrive' \
	>/dev/null 2>&1; then
	pass "no wd plugin, DKMS source, module or DKMS state left"
else
	fail "WrapDrive files left after the purge"
fi

echo "package_test chroot: $fails failed"
[ $fails = 0 ]
