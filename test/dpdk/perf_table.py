#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""The benchmark table's tools work: app/wd-perf-table/wd-perf-table runs
its dma, idle and net sections (wd-dma-perf against dma_skeleton,
wd-bench-dummy --idle, wd-net-perf.sh on net_wd at 64 B) and wd-c2c, and
every row it prints has a measurement. Only that they measure is checked,
never how fast: numbers on a shared machine prove nothing.

Also: bad arguments of wd-perf-table and wd-c2c are refused with exit
status 2 and a message.

Usage: perf_table.py REPO_TOP BUILD_DIR
"""

import os
import re
import subprocess
import sys

DMA_SIZES = ['64', '256', '1024', '4096', '16384', '65536']


def fail(msg, out=''):
    sys.stdout.write(out[-4000:])
    print('FAIL: ' + msg)
    sys.exit(1)


def main():
    top, build = sys.argv[1], sys.argv[2]
    table = os.path.join(top, 'app', 'wd-perf-table', 'wd-perf-table')
    c2c = os.path.join(build, 'app', 'wd-c2c', 'wd-c2c')

    refused = [([table, '--build', build, '--only', 'dma,colour'], 'unknown section'),
               ([table, '--build', build, '--huge-dir', '/nonexistent'], 'no such'),
               ([c2c, '--cpus', '0,0'], 'two different CPUs'),
               ([c2c, '--rounds', '0'], '--rounds wants')]
    for cmd, what in refused:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if p.returncode != 2 or what not in p.stderr:
            fail('%s: exit %d, stderr %r (wanted 2 and %r)' % (' '.join(cmd[1:]), p.returncode,
                                                               p.stderr, what))
        print('ok: %s refused: %s' % (' '.join(cmd[1:]), p.stderr.strip().splitlines()[-1]))

    env = dict(os.environ, PMDS='net_wd', SIZES='64')
    p = subprocess.run([table, '--build', build, '--quick', '--only', 'dma,idle,net'],
                       capture_output=True, text=True, timeout=600, env=env)
    out = p.stdout
    if p.returncode != 0:
        fail('wd-perf-table exited with %d: %s' % (p.returncode, p.stderr[-2000:]), out)
    c2c_ns = re.findall(r'^CPU 0 <-> CPU 1: ([0-9.]+) ns one way', out, re.M)
    if len(c2c_ns) != 2 or min(float(v) for v in c2c_ns) <= 0:
        fail('core-to-core time not printed before and after: %r' % c2c_ns, out)
    print('ok: core to core %s ns one way (before, after)' % ', '.join(c2c_ns))
    for dev in ('wd_dummy0', 'dma_skeleton'):
        rows = dict(re.findall(r'^%s\s+(\d+)\s+([0-9.]+)\s' % dev, out, re.M))
        if sorted(rows, key=int) != DMA_SIZES or min(float(v) for v in rows.values()) <= 0:
            fail('dma rows of %s: %r' % (dev, rows), out)
        print('ok: dma %s: %s Mops/s at 64 B' % (dev, rows['64']))
    m = re.search(r'^idle engine: ([0-9.]+) ms of CPU in ([0-9.]+) s', out, re.M)
    if m is None or float(m.group(2)) < 9:
        fail('no idle engine measurement over 10 s', out)
    print('ok: idle engine: %s ms of CPU in %s s' % m.groups())
    m = re.search(r'^net_wd\s+64 B\s+([0-9.]+) Mpps\s+([0-9.]+) cycles/packet', out, re.M)
    if m is None or float(m.group(1)) <= 0:
        fail('no net_wd 64 B rate', out)
    print('ok: net_wd 64 B: %s Mpps' % m.group(1))
    if '(exit status' in out:
        fail('a benchmark exited with an error', out)
    print('PASS')


if __name__ == '__main__':
    main()
