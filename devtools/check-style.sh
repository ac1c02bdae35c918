#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Style checks run by the test command:
#  - user space C (lib/ drivers/ app/ test/ openssl/): DPDK's conventions (SPDX
#    first, tabs, 100 columns, none of the constructs DPDK bans in new code);
#  - kmod/: the kernel's checkpatch.pl (extracted by devtools/setup.sh);
#  - Python (usertools/ devtools/ test/): pycodestyle (PEP8).
# Prints every finding as file:line: message; exits 1 if there is any.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
cache=${WD_CACHE:-$top/.deps}
fail=0
finding() { echo "$*"; fail=1; }

files() { git ls-files -co --exclude-standard -- "$@" 2>/dev/null; }

# --- user space C ------------------------------------------------------------
for f in $(files 'lib/*.[ch]' 'drivers/*.[ch]' 'app/*.[ch]' 'test/*.[ch]' 'openssl/*.[ch]'); do
	head -n 1 "$f" | grep -q '^/\* SPDX-License-Identifier: BSD-3-Clause' ||
		finding "$f:1: first line must be the BSD-3-Clause SPDX tag"
	# drivers/ and app/ face DPDK and use its macros; libwd and tests do not
	case "$f" in drivers/*|app/*) dpdk=1 ;; *) dpdk=0 ;; esac
	awk -v f="$f" -v dpdk=$dpdk '
		{ line = $0; gsub(/\t/, "        ", line) }
		length(line) > 100 { print f ":" NR ": line over 100 columns" }
		/^ +[^ *]/ && !/^ +\*/ { print f ":" NR ": indent with tabs, not spaces" }
		/[ \t]+$/ { print f ":" NR ": trailing whitespace" }
		/rte_panic\(|rte_exit\(/ { print f ":" NR ": rte_panic/rte_exit in library code" }
		/rte_atomic(16|32|64)_|__sync_/ { print f ":" NR ": use __atomic builtins, not rte_atomicNN/__sync" }
		dpdk && /__attribute__/ { print f ":" NR ": use the __rte_* macros, not raw __attribute__" }
		/RTE_LOG_REGISTER\(/ { print f ":" NR ": use RTE_LOG_REGISTER_DEFAULT/_SUFFIX" }
		dpdk && /"[^"]*%l[duxi][^"]*"/ { print f ":" NR ": use PRIu64-style formats, not %l" }
		/_LOG\(.*\\n"/ { print f ":" NR ": log macros add the newline; drop \\n" }
	' "$f" | grep . && fail=1
done

# --- kernel modules ------------------------------------------------------------
cp=$cache/checkpatch/checkpatch.pl
checkpatch() { # ignore-list files...
	local ignore=$1
	shift
	[ $# -gt 0 ] || return 0
	out=$(perl "$cp" --no-tree --quiet --terse --no-summary --show-types --strict \
		--ignore "FILE_PATH_CHANGES,SPDX_LICENSE_TAG$ignore" -f "$@" 2>&1)
	[ -z "$out" ] || finding "$out"
}
if [ ! -f "$cp" ]; then
	finding "checkpatch.pl missing from $cache/checkpatch: run devtools/setup.sh"
else
	# shellcheck disable=SC2046
	checkpatch "" $(files 'kmod/*.[ch]' | grep -v '^kmod/include/uapi/')
	# UAPI headers are also user space's: no BIT() there.
	# shellcheck disable=SC2046
	checkpatch ",BIT_MACRO" $(files 'kmod/include/uapi/*.h')
fi

# --- Python ------------------------------------------------------------------
pyfiles=$(files '*.py')
if [ -n "$pyfiles" ]; then
	# shellcheck disable=SC2086
	out=$(pycodestyle --max-line-length=100 $pyfiles 2>&1)
	[ -z "$out" ] || finding "$out"
fi

# --- shell -------------------------------------------------------------------
for f in $(files 'devtools/*' 'test/*.sh' '.ci/*'); do
	head -n 1 "$f" | grep -q '^#!.*sh' || continue
	bash -n "$f" 2>&1 | grep . && fail=1
done

if [ $fail = 0 ]; then
	echo "style: clean"
fi
exit $fail
