#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# devtools/apt-deb-src.py (the set-up's deb-src derivation) on copies of
# apt layouts: one-line only, deb822 only, both pointing at the same
# archive (with and without Signed-By), disabled stanzas, deb-src already
# present, inline keys. apt itself then reads each layout with the derived
# file, offline, in a throw-away configuration (apt-get indextargets
# --no-release-info): no error (no "Conflicting values set for option
# Signed-By"), and the Sources targets are exactly the expected ones.
#   apt_deb_src.sh <top>
set -u
top=$1
tool=$top/devtools/apt-deb-src.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
D=http://deb.debian.org/debian/
S=http://security.debian.org/debian-security/
KR=/usr/share/keyrings/debian-archive-keyring.gpg

# layout <name>: a fresh root; files are written by the caller
layout() {
	root=$tmp/$1
	mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d" \
		"$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial"
}

# check <name> <expected "uri suite component" lines, ';'-separated>
check() {
	name=$1
	if ! python3 "$tool" --root "$root" --codename bookworm --write >/dev/null \
		2>"$tmp/err"; then
		echo "FAIL $name: apt-deb-src.py failed: $(cat "$tmp/err")"
		failures=$((failures + 1))
		return
	fi
	apt-get -o Dir::Etc="$root/etc/apt" -o Dir::State="$root/var/lib/apt" \
		-o Dir::Cache="$root/var/cache/apt" -o Debug::NoLocking=1 \
		indextargets --no-release-info \
		--format '$(CREATED_BY) $(BASE_URI) $(RELEASE) $(COMPONENT)' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 0 ] || grep -q '^E:' "$tmp/err"; then
		echo "FAIL $name: apt cannot read the layout (rc $rc):"
		cat "$tmp/err" "$root/etc/apt/sources.list.d/wrapdrive-deb-src.sources"
		failures=$((failures + 1))
		return
	fi
	got=$(awk '$1 == "Sources" { sub(/dists\/.*$/, "", $2); print $2, $3, $4 }' \
		"$tmp/out" | sort -u | tr '\n' ';')
	want=$(printf '%s' "$2" | tr ';' '\n' | sort -u | tr '\n' ';')
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: deb-src targets"
		echo "  got:  $got"
		echo "  want: $want"
		cat "$root/etc/apt/sources.list.d/wrapdrive-deb-src.sources"
		failures=$((failures + 1))
		return
	fi
	# a second run changes nothing
	if [ -n "$(python3 "$tool" --root "$root" --codename bookworm --write)" ]; then
		echo "FAIL $name: a second run changed the files"
		failures=$((failures + 1))
		return
	fi
	echo "ok   $name: $(cat "$root/etc/apt/sources.list.d/wrapdrive-deb-src.sources" \
		2>/dev/null | grep -c '^Types: deb-src') stanza(s): $got"
}

layout oneline
cat >"$root/etc/apt/sources.list" <<EOT
# Debian 12, classic
deb http://deb.debian.org/debian bookworm main contrib
deb http://deb.debian.org/debian bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian trixie main
EOT
check oneline "$D bookworm main;$D bookworm contrib;$D bookworm-updates main;$S bookworm-security main"

layout deb822
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOT
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: $KR

Types: deb
URIs: http://security.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: $KR
EOT
check deb822 "$D bookworm main;$D bookworm-updates main;$S bookworm-security main"

# The reported machine: the same archive in both formats, Signed-By only
# in the deb822 file (apt accepts it: the one-line entry comes first).
layout both
echo "deb http://deb.debian.org/debian bookworm main non-free-firmware" \
	>"$root/etc/apt/sources.list"
cp "$tmp/deb822/etc/apt/sources.list.d/debian.sources" "$root/etc/apt/sources.list.d/"
check both "$D bookworm main;$D bookworm non-free-firmware;$D bookworm-updates main;$S bookworm-security main"

layout both-signed
echo "deb [signed-by=$KR] http://deb.debian.org/debian/ bookworm main" \
	>"$root/etc/apt/sources.list"
cp "$tmp/deb822/etc/apt/sources.list.d/debian.sources" "$root/etc/apt/sources.list.d/"
check both-signed "$D bookworm main;$D bookworm-updates main;$S bookworm-security main"

# Disabled stanzas and comments, deb-src already there for one component,
# an inline key, a left-over one-line file of an older set-up (ignored).
layout mixed
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOT
# comment
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: $KR

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Enabled: no
Signed-By: $KR
EOT
cat >"$root/etc/apt/sources.list.d/extra.sources" <<EOT
Types: deb
URIs: https://archive.example.org/wd
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mDMEZRandomKeyMaterialForTheParserOnly
 -----END PGP PUBLIC KEY BLOCK-----
EOT
echo "deb-src http://deb.debian.org/debian bookworm main" \
	>"$root/etc/apt/sources.list.d/wrapdrive-deb-src.list"
check mixed "$D bookworm main;https://archive.example.org/wd/ bookworm main"
[ -f "$root/etc/apt/sources.list.d/wrapdrive-deb-src.list" ] &&
	{ echo "FAIL mixed: left-over one-line file kept"; failures=$((failures + 1)); }

# Everything already there: nothing is written.
layout complete
printf 'deb http://deb.debian.org/debian bookworm main\n' >"$root/etc/apt/sources.list"
printf 'deb-src http://deb.debian.org/debian bookworm main\n' >>"$root/etc/apt/sources.list"
check complete "$D bookworm main"
[ -f "$root/etc/apt/sources.list.d/wrapdrive-deb-src.sources" ] &&
	{ echo "FAIL complete: a file was written"; failures=$((failures + 1)); }

layout none
echo "deb http://deb.debian.org/debian trixie main" >"$root/etc/apt/sources.list"
if python3 "$tool" --root "$root" --codename bookworm >/dev/null 2>"$tmp/err"; then
	echo "FAIL none: no bookworm source, yet success"
	failures=$((failures + 1))
else
	echo "ok   none: $(cat "$tmp/err")"
fi

[ $failures = 0 ] || { echo "$failures layout(s) failed"; exit 1; }
echo "PASS: deb-src derivation on 7 apt layouts, each read by apt without error"
