#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Without the driver-SDK headers the build must stop at configure time
# with a message that names the set-up command, not a compiler error.
set -u
top=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty-sdk"
if meson setup "$tmp/build" "$top" -Ddpdk_sdk_dir="$tmp/empty-sdk" -Dkmod=disabled \
	>"$tmp/log" 2>&1; then
	echo "FAIL: configure succeeded without SDK headers"
	exit 1
fi
if ! grep -q 'bus_driver.h is missing.*Run "devtools/setup.sh"' "$tmp/log"; then
	echo "FAIL: configure failed without naming the set-up command:"
	cat "$tmp/log"
	exit 1
fi
echo "PASS: $(grep -o 'DPDK driver-SDK header.*' "$tmp/log" | head -n 1)"
