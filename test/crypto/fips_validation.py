#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""DPDK's fips_validation example on NIST CAVS-style request files.

Writes SHA-1/224/256 (ShortMsg with Len = 0 and Monte Carlo), HMAC-SHA-1/
224/256 and AES-CMAC request files whose expected answers come from the
`openssl` tool (and, for the Monte Carlo test, the SHAVS algorithm over
Python's hashlib), builds the example unmodified (devtools/build-example)
and runs it once on crypto_wd_sec (emulated SEC) and once on
crypto_openssl. Passes when both response files are identical apart from
the device names and dates, and every digest and MAC in them is the
expected one: empty messages included.

Usage: fips_validation.py REPO_TOP BUILD_DIR
"""

import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time

SHAS = [('SHA1', 'sha1', 20), ('SHA224', 'sha224', 28), ('SHA256', 'sha256', 32)]
# message lengths in bytes: the empty message, around the 55/56/64-byte
# padding boundaries, and a few blocks
LENS = [0, 1, 3, 55, 56, 63, 64, 65, 128, 200]


def openssl(args, data):
    return subprocess.run(['openssl'] + args, input=data, capture_output=True,
                          check=True).stdout


def header(title):
    return ('#  CAVS 11.0\n#  "%s" information for "wrapdrive"\n'
            '#  Generated on Thu Jan  1 00:00:00 2026\n\n' % title)


def sha_short(rng, name, alg, size):
    text = header('%s ShortMsg' % name.replace('SHA', 'SHA-')) + '[L = %d]\n\n' % size
    want = []
    for n in LENS:
        msg = bytes(rng.getrandbits(8) for _ in range(n))
        text += 'Len = %d\nMsg = %s\n\n' % (8 * n, msg.hex() if n else '00')
        want.append(openssl(['dgst', '-' + alg, '-binary'], msg).hex())
    return text, [('MD', w) for w in want]


def sha_monte(rng, name, alg, size):
    seed = bytes(rng.getrandbits(8) for _ in range(size))
    text = header('%s Monte' % name.replace('SHA', 'SHA-')) + '[L = %d]\n\nSeed = %s\n\n' % (
        size, seed.hex())
    want = []
    for _ in range(100):           # SHAVS 6.4
        md = [seed, seed, seed]
        for _ in range(1000):
            md = [md[1], md[2], hashlib.new(alg, md[0] + md[1] + md[2]).digest()]
        seed = md[2]
        want.append(('MD', seed.hex()))
    return text, want


def hmac(rng):
    text = header('HMAC')
    want = []
    count = 0
    for _, alg, size in SHAS:
        text += '[L=%d]\n\n' % size
        for klen, n in [(size, 0), (64, 0), (10, 1), (size, 64), (40, 100), (64, 128)]:
            tlen = size if n != 1 else 12
            key = bytes(rng.getrandbits(8) for _ in range(klen))
            msg = bytes(rng.getrandbits(8) for _ in range(n))
            text += 'Count = %d\nKlen = %d\nTlen = %d\nKey = %s\nMsg = %s\n\n' % (
                count, klen, tlen, key.hex(), msg.hex())
            mac = openssl(['mac', '-digest', alg, '-macopt', 'hexkey:' + key.hex(), '-binary',
                           'HMAC'], msg)
            want.append(('Mac', mac[:tlen].hex()))
            count += 1
    return text, want


def cmac(rng):
    text = header('CMAC Gen').replace('#  Generated', '# Alg = AES Mode = Generate\n'
                                      '#  Generated')
    want = []
    for count, (n, tlen) in enumerate([(0, 16), (0, 8), (16, 16), (20, 16), (64, 4),
                                       (100, 16)]):
        key = bytes(rng.getrandbits(8) for _ in range(16))
        msg = bytes(rng.getrandbits(8) for _ in range(n))
        text += ('Count = %d\nKlen = 16\nMlen = %d\nTlen = %d\nKey = %s\nMsg = %s\n\n' %
                 (count, n, tlen, key.hex(), msg.hex() if n else '00'))
        mac = openssl(['mac', '-cipher', 'aes-128-cbc', '-macopt', 'hexkey:' + key.hex(),
                       '-binary', 'CMAC'], msg)
        want.append(('Mac', mac[:tlen].hex()))
    return text, want


def answers(path):
    """The (field, hex) answers of a response file, in order."""
    out = []
    with open(path) as f:
        for line in f:
            m = re.match(r'^(MD|Mac) = ([0-9a-fA-F]*)\s*$', line)
            if m:
                out.append((m.group(1), m.group(2).lower()))
    return out


def normalised(path):
    with open(path) as f:
        return [line for line in f
                if 'information for' not in line and not line.startswith('# Generated')
                and 'Config info' not in line]


def run(top, build, app, req, rsp, name):
    env = dict(os.environ, WD_BUILD_DIR=build, WD_SYSFS_ROOT='/nonexistent')
    env.pop('WD_EMU', None)
    args = ['--vdev', 'crypto_openssl']
    if name != 'crypto_openssl':
        # default placement: the app polls on lcore 0, the engine gets CPU 1
        env['WD_EMU'] = 'hisi_sec_v1:1'
        args = []
    cmd = [os.path.join(top, 'devtools', 'wd-env'), app, '-l', '0', '--no-huge', '-m', '512',
           '--no-pci', '--no-shconf'] + args + [
           '--', '--req-file', req, '--rsp-file', rsp, '--cryptodev', name]
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    t = time.monotonic() - t
    if p.returncode != 0 or not os.path.exists(rsp):
        sys.stdout.write(p.stdout[-3000:] + p.stderr[-3000:])
        raise SystemExit('FAIL: fips_validation on %s exited with %d' % (name, p.returncode))
    return t


def main():
    top, build = sys.argv[1], os.path.abspath(sys.argv[2])
    app = subprocess.run([os.path.join(top, 'devtools', 'build-example'), 'fips_validation'],
                         capture_output=True, text=True, check=True).stdout.strip()
    rng = random.Random(13)
    files = {}
    for name, alg, size in SHAS:
        files[name + 'ShortMsg.req'] = sha_short(rng, name, alg, size)
        files[name + 'Monte.req'] = sha_monte(rng, name, alg, size)
    files['HMAC.req'] = hmac(rng)
    files['CMACGenAES128.req'] = cmac(rng)
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        req = os.path.join(tmp, 'req')
        os.mkdir(req)
        for fname, (text, _) in files.items():
            with open(os.path.join(req, fname), 'w') as f:
                f.write(text)
        outs = {}
        secs = {}
        # one run per file: in --path-is-folder mode the example carries a
        # message over from one file to the next (a Monte Carlo seed goes wrong)
        for name in ['hisi_sec0', 'crypto_openssl']:
            outs[name] = os.path.join(tmp, name)
            os.mkdir(outs[name])
            for fname in files:
                secs[name, fname] = run(top, build, app, os.path.join(req, fname),
                                        os.path.join(outs[name], fname[:-3] + 'rsp'), name)
        for fname, (_, want) in sorted(files.items()):
            rsp = fname[:-3] + 'rsp'
            wd_path, ossl_path = (os.path.join(outs[n], rsp) for n in outs)
            got_wd, got_ossl = answers(wd_path), answers(ossl_path)
            empty = sum(1 for line in open(os.path.join(req, fname))
                        if line.startswith(('Len = 0', 'Mlen = 0', 'Msg = \n')))
            ok = got_wd == want and got_ossl == want and \
                normalised(wd_path) == normalised(ossl_path)
            # (wall times: information for the benchmark table, not checked)
            print('%-22s %3d answers (%d empty messages): crypto_wd_sec %s, crypto_openssl %s'
                  ' (%.2f s, %.2f s)'
                  % (fname, len(want), empty,
                     'right' if got_wd == want else 'WRONG (%d of %d right)' % (
                         sum(a == b for a, b in zip(got_wd, want)), len(want)),
                     'right' if got_ossl == want else 'WRONG',
                     secs['hisi_sec0', fname], secs['crypto_openssl', fname]))
            if not ok:
                fails += 1
                for i, (w, g) in enumerate(zip(want, got_wd + [None] * len(want))):
                    if g != w:
                        print('  answer %d: want %s, crypto_wd_sec gave %s' % (i, w, g))
                        break
                if normalised(wd_path) != normalised(ossl_path):
                    print('  response files differ')
    if fails:
        raise SystemExit('FAIL: %d of %d files' % (fails, len(files)))
    print('PASS')


if __name__ == '__main__':
    main()
