#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Runs inside the throw-away Debian root after "apt-get install" of the
# WrapDrive packages (test/package/package_test.sh copies it in): Debian's
# DPDK apps find the wd bus and the PMDs by themselves. Every app runs as
# "env -i PATH=... WD_EMU=...": no -d, no LD_LIBRARY_PATH, no other
# variable. Prints "PASS: ..." / "FAIL: ..."; exits 1 if any check failed.
set -u
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PATH=/usr/sbin:/usr/bin:/sbin:/bin
run() {	# run WD_EMU COMMAND...: with only PATH and WD_EMU in the environment
	local emu=$1
	shift
	env -i PATH="$PATH" WD_EMU="$emu" "$@"
}
EAL="--no-huge -m 256 --no-pci --no-shconf"
pmds=$(ls -d /usr/lib/*/dpdk/pmds-*)

# --- the files are where DPDK and the dynamic loader look ------------------
for f in librte_bus_wd librte_crypto_wd_sec librte_dma_wd_dummy librte_net_wd librte_raw_wd_hns; do
	if ls "$pmds/$f.so."*.* >/dev/null 2>&1; then pass "$f in $pmds"; else fail "$f not in $pmds"; fi
done
if ldconfig -p | grep -q 'librte_bus_wd\.so\.[0-9]* '; then
	pass "librte_bus_wd in ld.so.cache"
else
	fail "librte_bus_wd not in ld.so.cache"
fi
if [ "$(command -v wd-devbind.py)" = /usr/bin/wd-devbind.py ]; then
	pass "wd-devbind.py on the PATH"
else
	fail "wd-devbind.py not on the PATH"
fi
if man -w wd-devbind.py >/dev/null 2>&1 || [ -e /usr/share/man/man8/wd-devbind.py.8.gz ]; then
	pass "manual page wd-devbind.py(8)"
else
	fail "no manual page for wd-devbind.py"
fi
# The installed tool lists an emulated device through the installed libwd.
out=$(run wd_dummy_v1:2 wd-devbind.py --status --json 2>&1)
if echo "$out" | grep -q '"wd_dummy1"'; then
	pass "wd-devbind.py --status --json lists WD_EMU's wd_dummy0..1 (installed libwd)"
else
	fail "wd-devbind.py status: $out"
fi

# --- libwd0 and libwd-dev: wd-copy as installed, and built from its source
# (app/wd-copy/wd_copy.c, copied in) with pkg-config's wrapdrive.pc --------
head -c 3000001 /dev/urandom >"$work/src"
copy() {	# copy DESCRIPTION PROGRAM
	rm -f "$work/dst"
	if run wd_dummy_v1:1 "$2" --verify "$work/src" "$work/dst" >"$work/copy.out" 2>&1 &&
		cmp -s "$work/src" "$work/dst"; then
		pass "$1: 3000001 bytes copied by an emulated wd_dummy queue, identical"
	else
		fail "$1: $(cat "$work/copy.out")"
	fi
}
copy "wd-copy (wrapdrive-tools, libwd0)" wd-copy
# shellcheck disable=SC2046
if gcc -O2 -Wall -Werror -o "$work/wd-copy" /tmp/wd/wd_copy.c \
	$(pkg-config --cflags --libs wrapdrive) >"$work/cc.out" 2>&1; then
	pass "wd_copy.c builds with pkg-config wrapdrive (libwd-dev)"
	copy "wd_copy.c built against libwd-dev" "$work/wd-copy"
else
	fail "wd_copy.c does not build against libwd-dev: $(cat "$work/cc.out")"
fi

# --- dpdk-test-crypto-perf --ptest verify on crypto_wd_sec -----------------
# AES-128-CBC encrypt and decrypt, HMAC-SHA1 generate: reference results
# from the openssl tool, 256 operations of 1024 bytes, none may fail.
python3 - "$work" <<'PY'
import os, subprocess, sys
w = sys.argv[1]
pt, key, iv, akey = os.urandom(1024), os.urandom(16), os.urandom(16), os.urandom(20)
ct = subprocess.run(['openssl', 'enc', '-aes-128-cbc', '-nopad', '-K', key.hex(), '-iv',
                     iv.hex()], input=pt, capture_output=True, check=True).stdout
dg = subprocess.run(['openssl', 'mac', '-digest', 'sha1', '-macopt', 'hexkey:' + akey.hex(),
                     '-binary', 'HMAC'], input=pt, capture_output=True, check=True).stdout
def hx(b):
    return ',\n'.join(', '.join('0x%02x' % x for x in b[i:i + 16]) for i in range(0, len(b), 16))
with open(w + '/cipher.data', 'w') as f:
    for n, v in (('plaintext', pt), ('ciphertext', ct), ('cipher_key', key), ('cipher_iv', iv)):
        f.write('%s =\n%s\n\n' % (n, hx(v)))
with open(w + '/auth.data', 'w') as f:
    for n, v in (('plaintext', pt), ('ciphertext', pt), ('auth_key', akey)):
        f.write('%s =\n%s\n\n' % (n, hx(v)))
    f.write('[t]\ndigest =\n%s\n' % hx(dg))
PY
perf() {	# perf DESCRIPTION VECTOR OPTIONS...
	local what=$1 vec=$2 row
	shift 2
	run hisi_sec_v1:1 dpdk-test-crypto-perf -l 0,1 $EAL --log-level='*:warning' -- \
		--ptest verify --devtype crypto_wd_sec --test-file "$vec" --buffer-sz 1024 \
		--burst-sz 32 --total-ops 256 "$@" >"$work/perf.out" 2>&1
	local rc=$?
	# lcore id, Buf Size, Burst Size, Enqueued, Dequeued, Failed Enq,
	# Failed Deq, Failed Ops: the one row of numbers under the header.
	row=$(awk '/Failed Ops/ { h = 1; next } h && NF == 8 && $0 !~ /[^0-9 ]/ { print; exit }' \
		"$work/perf.out")
	set -- $row
	if [ $rc = 0 ] && [ "${5:-}" = 256 ] && [ "${8:-}" = 0 ]; then
		pass "crypto-perf verify $what: 256 ops dequeued, 0 failed"
	else
		fail "crypto-perf verify $what: exit $rc, row '$row'"
		tail -n 30 "$work/perf.out"
	fi
}
cbc="--cipher-algo aes-cbc --cipher-key-sz 16 --cipher-iv-sz 16 --optype cipher-only"
perf "aes-128-cbc encrypt" "$work/cipher.data" $cbc --cipher-op encrypt
perf "aes-128-cbc decrypt" "$work/cipher.data" $cbc --cipher-op decrypt
perf "sha1-hmac generate" "$work/auth.data" --optype auth-only --auth-algo sha1-hmac \
	--auth-key-sz 20 --digest-sz 20 --auth-op generate --test-name t

# --- dpdk-testpmd: two net_wd ports cabled back to back, io forwarding -----
# 32 packets sent first keep circulating; after 3 s every port has
# received what the other sent.
(sleep 3; echo) | run hisi_hns_v1:1:queues=2:wire=pair:cpu=0 timeout 60 dpdk-testpmd -l 0-1 \
	$EAL --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1 -- --tx-first --forward-mode=io \
	--total-num-mbufs=8192 >"$work/tp.out" 2>&1
rc=$?
tr -d '\r' <"$work/tp.out" >"$work/tp"
ports=$(grep -c '^Port [01]: ..:..:..:..:..:..' "$work/tp")
rx=$(sed -n '/Accumulated forward statistics/,/^+++/s/.*RX-packets: *\([0-9]*\).*/\1/p' \
	"$work/tp" | head -n 1)
tx=$(sed -n '/Accumulated forward statistics/,/^+++/s/.*TX-packets: *\([0-9]*\).*/\1/p' \
	"$work/tp" | head -n 1)
if [ $rc = 0 ] && [ "$ports" = 2 ] && [ "${rx:-0}" -gt 1000 ] && [ "${tx:-0}" -gt 1000 ]; then
	pass "dpdk-testpmd io on net_wd0 <-> net_wd1: $rx packets received, $tx sent"
else
	fail "dpdk-testpmd: exit $rc, $ports ports, rx '$rx' tx '$tx'"
	tail -n 40 "$work/tp"
fi

# --- dpdk-test: dmadev_autotest on dma_wd_dummy, rawdev_autotest on raw_wd_hns
run wd_dummy_v1:1:cpu=1 env DPDK_TEST=dmadev_autotest dpdk-test -l 0 $EAL \
	>"$work/dma.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^Test OK' "$work/dma.out" &&
	tr '\r' '\n' <"$work/dma.out" | grep -q 'Test dmadev instance [0-9]* \[wd_dummy0\]'; then
	pass "dpdk-test dmadev_autotest on dma_wd_dummy (wd_dummy0)"
else
	fail "dmadev_autotest: exit $rc"
	tr '\r' '\n' <"$work/dma.out" | tail -n 30
fi
run hisi_hns_v1:1:queues=2:wire=pair:cpu=1 env DPDK_TEST=rawdev_autotest dpdk-test -l 0 $EAL \
	--log-level=pmd.raw.wd_hns:info >"$work/raw.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^Test OK' "$work/raw.out" &&
	grep -q '^Rawdev [0-9]* (hisi_hns0) selftest: Passed' "$work/raw.out"; then
	pass "dpdk-test rawdev_autotest on raw_wd_hns (hisi_hns0 selftest)"
else
	fail "rawdev_autotest: exit $rc"
	tail -n 30 "$work/raw.out"
fi
# The bus itself: EAL registered it from the plugin directory.
run wd_dummy_v1:1 dpdk-test -l 0 $EAL --log-level=bus.wd:debug <<<'quit' >"$work/bus.out" 2>&1
if grep -qi 'wd_dummy0' "$work/bus.out"; then
	pass "bus wd scans WD_EMU's wd_dummy0 with no -d"
else
	fail "bus wd: no wd_dummy0 in the log"
	tail -n 20 "$work/bus.out"
fi

echo "chroot checks: $fails failed"
[ $fails = 0 ]
