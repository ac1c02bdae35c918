#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Build one libFuzzer target with clang (ASan+UBSan) and run it briefly:
#   run_fuzz.sh <repo> <work dir> <target> [seconds]
set -eu
top=$1
work=$2
target=$3
secs=${4:-5}
mkdir -p "$work/corpus-$target"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/lib/wd" -I"$top/kmod/include/uapi" "$top/test/fuzz/$target.c" \
	"$top/lib/wd/wd_parse.c" "$top/lib/wd/wd_sec_bd.c" \
	-o "$work/$target"
# seeds: what real inputs look like
printf '42\n' >"$work/corpus-$target/seed1"
printf 'wd_dummy_v1:2:queues=4,hisi_sec_v1:1:numa=0:depth=64' >"$work/corpus-$target/seed2"
"$work/$target" -max_total_time="$secs" -max_len=256 "$work/corpus-$target" 2>&1 | tail -n 3
