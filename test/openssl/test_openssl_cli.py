#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""The real `openssl` command through the wd provider against the default
provider: `enc` (both ways, with and without padding, wrong keys), `dgst`
and `mac` on random inputs of 0..1 MiB in every mode `enc` offers. Each wd
run prints the provider's counters (WD_PROV_STATS=1): with threshold 0
every non-empty operation must have gone through BDs, with a threshold
above the input none may have.

usage: test_openssl_cli.py WD_SO WORKDIR
"""

import os
import random
import re
import subprocess
import sys

WD_SO = os.path.abspath(sys.argv[1])
WORK = sys.argv[2]
SEED = int(os.environ.get('WD_TEST_SEED', random.randrange(1 << 30)))
RNG = random.Random(SEED)
FAILS = []
STATS = re.compile(r'wd provider: pid \d+: (\d+) BDs, (\d+) bytes offloaded, '
                   r'(\d+) operations in software, (\d+) errors')

CIPHERS = {  # name: (key bytes, iv bytes, block)
    'aes-128-cbc': (16, 16, 16), 'aes-192-cbc': (24, 16, 16), 'aes-256-cbc': (32, 16, 16),
    'aes-128-ecb': (16, 0, 16), 'aes-192-ecb': (24, 0, 16), 'aes-256-ecb': (32, 0, 16),
    'aes-128-ctr': (16, 16, 1), 'aes-192-ctr': (24, 16, 1), 'aes-256-ctr': (32, 16, 1),
    'des-ede3-cbc': (24, 8, 8),
}


def conf(threshold):
    """An openssl.cnf as the shipped snippet, with this build's module."""
    path = os.path.join(WORK, 'wd-%d.cnf' % threshold)
    with open(path, 'w') as f:
        f.write('openssl_conf = openssl_init\n[openssl_init]\nproviders = provs\n'
                'alg_section = evp\n[provs]\nwd = wd_sect\ndefault = def_sect\n'
                '[wd_sect]\nmodule = %s\nactivate = 1\nthreshold = %d\nstats = 1\n'
                '[def_sect]\nactivate = 1\n[evp]\ndefault_properties = ?provider=wd\n'
                % (WD_SO, threshold))
    return path


CONF0 = None
CONF_BIG = None


def run(args, data, wd, cnf=None):
    env = dict(os.environ)
    env.pop('WD_PROV_THRESHOLD', None)
    if wd:
        env['OPENSSL_CONF'] = cnf or CONF0
    else:
        env['OPENSSL_CONF'] = '/dev/null'
        env.pop('OPENSSL_MODULES', None)
    r = subprocess.run(['openssl'] + args, input=data, env=env, capture_output=True,
                       timeout=60)
    st = None
    if wd:
        m = STATS.search(r.stderr.decode(errors='replace'))
        if m is None:
            FAILS.append('%s: no stats line: %r' % (' '.join(args), r.stderr[-300:]))
            st = (0, 0, 0, 0)
        else:
            st = tuple(int(x) for x in m.groups())
    return r.returncode, r.stdout, st


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print('FAIL: ' + what)


def sizes():
    s = [0, 1, 15, 16, 17, 8191, 8192 + 5, 65536 + 3, 1 << 20]
    s += [RNG.randrange(1, 1 << 20) for _ in range(2)]
    return s


def enc_case(name, n, data):
    klen, ivlen, block = CIPHERS[name]
    key = RNG.randbytes(klen).hex()
    iv = RNG.randbytes(ivlen).hex() if ivlen else None
    base = ['enc', '-' + name, '-K', key] + (['-iv', iv] if iv else [])
    pads = [[]]
    if block > 1 and n % block == 0:
        pads.append(['-nopad'])
    for pad in pads:
        what = '%s %d B%s' % (name, n, ' nopad' if pad else '')
        rc_r, ref, _ = run(base + pad, data, False)
        rc_w, out, st = run(base + pad, data, True)
        check(rc_r == 0 and rc_w == 0 and out == ref, what + ': encrypt differs')
        expect_bd = n > 0 or (block > 1 and not pad)
        check(not expect_bd or st[0] > 0, what + ': nothing offloaded %r' % (st,))
        check(st[3] == 0, what + ': device errors')
        rc_w, back, st = run(base + pad + ['-d'], ref, True)
        check(rc_w == 0 and back == data, what + ': decrypt differs')
        if block > 1 and not pad and n > 0:
            # wrong key: the padding check fails the same way
            bad = base[:]
            bad[3] = RNG.randbytes(klen).hex()
            rc_r, out_r, _ = run(bad + ['-d'], ref, False)
            rc_w, out_w, _ = run(bad + ['-d'], ref, True)
            check((rc_r == 0) == (rc_w == 0) and (rc_r != 0 or out_r == out_w),
                  what + ': wrong-key decrypt: rc %d vs %d' % (rc_r, rc_w))


def dgst_case(md, n, data):
    rc_r, ref, _ = run(['dgst', '-' + md, '-r'], data, False)
    rc_w, out, st = run(['dgst', '-' + md, '-r'], data, True)
    what = 'dgst %s %d B' % (md, n)
    check(rc_r == 0 and rc_w == 0 and out == ref, what + ': differs')
    check(n == 0 or st[0] == 1, what + ': not one BD %r' % (st,))


def mac_case(md, n, data, klen):
    key = RNG.randbytes(klen).hex()
    args = ['mac', '-digest', md, '-macopt', 'hexkey:' + key, 'HMAC']
    rc_r, ref, _ = run(args, data, False)
    rc_w, out, st = run(args, data, True)
    what = 'mac HMAC-%s key %d B, %d B' % (md, klen, n)
    check(rc_r == 0 and rc_w == 0 and out == ref, what + ': differs')
    check(n == 0 or st[0] == 1, what + ': not one BD %r' % (st,))


def main():
    global CONF0, CONF_BIG
    os.makedirs(WORK, exist_ok=True)
    CONF0 = conf(0)
    CONF_BIG = conf(1 << 21)
    print('seed %d' % SEED)
    for n in sizes():
        data = RNG.randbytes(n)
        for name in CIPHERS:
            enc_case(name, n, data)
        for md in ('sha1', 'sha224', 'sha256'):
            dgst_case(md, n, data)
        for md, klen in (('SHA1', 20), ('SHA224', 13), ('SHA256', 64), ('SHA256', 100)):
            mac_case(md, n, data, klen)
        print('%d B: done' % n)
    # Above the threshold nothing is offloaded, and the bytes are the same.
    data = RNG.randbytes(100000)
    rc_r, ref, _ = run(['dgst', '-sha256'], data, False)
    rc_w, out, st = run(['dgst', '-sha256'], data, True, CONF_BIG)
    check(out == ref and st[0] == 0 and st[2] >= 1,
          'threshold 2 MiB: 100000 B digest not in software %r' % (st,))
    key = RNG.randbytes(16).hex()
    args = ['enc', '-aes-128-ctr', '-K', key, '-iv', key]
    rc_r, ref, _ = run(args, data, False)
    rc_w, out, st = run(args, data, True, CONF_BIG)
    check(out == ref and st[0] == 0 and st[2] >= 1,
          'threshold 2 MiB: CTR not in software %r' % (st,))
    # A digest longer than digest_max continues in software, correctly.
    data = RNG.randbytes((1 << 20) + 4097)
    rc_r, ref, _ = run(['dgst', '-sha1'], data, False)
    rc_w, out, st = run(['dgst', '-sha1'], data, True)
    check(out == ref and st[0] == 0 and st[2] >= 1,
          'digest over digest_max: %r' % (st,))
    if FAILS:
        print('%d failures (seed %d)' % (len(FAILS), SEED))
        for f in FAILS[:20]:
            print('  ' + f)
        return 1
    print('all identical (seed %d)' % SEED)
    return 0


if __name__ == '__main__':
    sys.exit(main())
