#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""Debian's dpdk-test-crypto-perf --ptest verify on crypto_wd_sec.

For every advertised cipher and key size, every auth algorithm OpenSSL's
command line can compute, and chains in both orders, write a vector file
whose ciphertext comes from OpenSSL (test/crypto/evp_cipher) and whose
digest comes from the `openssl` tool, run verify mode
on an emulated SEC device and require "Failed Ops" to be 0 (verify mode
exits 0 even when operations fail). AES-XCBC-MAC has no OpenSSL command;
DPDK's own vectors cover it in the cryptodev suite.

Usage: perf_verify.py WD_ENV_WRAPPER BUILD_DIR EVP_CIPHER_TOOL [--kernel]

--kernel: no emulated device; the SEC v1 queues of wd_sec.ko through VFIO,
with DPDK's hugepage memory mapped by the wd bus (the VM tier). Each run
is a slow EAL start under QEMU's software emulation, so this runs the
cases of KERNEL_CASES only (test/crypto/sec_engine_check covers every
algorithm on the kernel engine, BD by BD).
"""

import os
import subprocess
import sys
import tempfile

BUF = 1024          # bytes per operation (a multiple of every block size)
OPS = 256           # operations per run

# (crypto-perf name, openssl cipher, key bytes, iv bytes)
CIPHERS = [
    ('aes-cbc', 'aes-128-cbc', 16, 16), ('aes-cbc', 'aes-192-cbc', 24, 16),
    ('aes-cbc', 'aes-256-cbc', 32, 16),
    ('aes-ecb', 'aes-128-ecb', 16, 0), ('aes-ecb', 'aes-192-ecb', 24, 0),
    ('aes-ecb', 'aes-256-ecb', 32, 0),
    ('aes-ctr', 'aes-128-ctr', 16, 16), ('aes-ctr', 'aes-192-ctr', 24, 16),
    ('aes-ctr', 'aes-256-ctr', 32, 16),
    ('aes-xts', 'aes-128-xts', 32, 16), ('aes-xts', 'aes-256-xts', 64, 16),
    ('des-cbc', 'des-cbc', 8, 8),
    ('3des-cbc', 'des-ede-cbc', 16, 8), ('3des-cbc', 'des-ede3-cbc', 24, 8),
    ('3des-ecb', 'des-ede', 16, 0), ('3des-ecb', 'des-ede3', 24, 0),
]

# (crypto-perf name, kind, openssl digest, key bytes, digest bytes)
AUTHS = [
    ('sha1', 'hash', 'sha1', 0, 20), ('sha2-224', 'hash', 'sha224', 0, 28),
    ('sha2-256', 'hash', 'sha256', 0, 32), ('md5', 'hash', 'md5', 0, 16),
    ('sha1-hmac', 'hmac', 'sha1', 20, 20), ('sha1-hmac', 'hmac', 'sha1', 64, 12),
    ('sha2-224-hmac', 'hmac', 'sha224', 28, 28),
    ('sha2-256-hmac', 'hmac', 'sha256', 32, 32),
    ('sha2-256-hmac', 'hmac', 'sha256', 64, 16),
    ('md5-hmac', 'hmac', 'md5', 16, 16),
    ('aes-cmac', 'cmac', 'aes-128-cbc', 16, 16), ('aes-cmac', 'cmac', 'aes-128-cbc', 16, 12),
]


# --kernel: AES-CBC, CTR, XTS, 3DES-CBC, HMAC-SHA1/256, CMAC and chains
KERNEL_CASES = (
    'aes-128-cbc encrypt', 'aes-256-cbc decrypt', 'aes-128-ctr encrypt',
    'aes-256-xts decrypt', 'des-ede3-cbc encrypt', 'sha1-hmac key 20 digest 20 generate',
    'sha2-256-hmac key 32 digest 32 verify', 'aes-cmac key 16 digest 16 verify',
    'aes-128-cbc + sha1-hmac', 'des-ede3-cbc + aes-cmac verify',
)


def openssl(args, data):
    return subprocess.run(['openssl'] + args, input=data, capture_output=True,
                          check=True).stdout


def encrypt(tool, cipher, key, iv, data):
    """`openssl enc` has no XTS: a small EVP program does every cipher."""
    args = [tool, cipher, key.hex()] + ([iv.hex()] if iv else [])
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout


def mac(kind, alg, key, data, size):
    if kind == 'hash':
        out = openssl(['dgst', '-' + alg, '-binary'], data)
    elif kind == 'hmac':
        out = openssl(['mac', '-digest', alg, '-macopt', 'hexkey:' + key.hex(), '-binary',
                       'HMAC'], data)
    else:
        out = openssl(['mac', '-cipher', alg, '-macopt', 'hexkey:' + key.hex(), '-binary',
                       'CMAC'], data)
    return out[:size]


def hexlines(b):
    return ',\n'.join(', '.join('0x%02x' % x for x in b[i:i + 16])
                      for i in range(0, len(b), 16))


def write_vector(path, fields):
    """Global fields, and the digest in section [t] (crypto-perf takes a
    digest only from a named test)."""
    with open(path, 'w') as f:
        for name, value in fields.items():
            if value and name != 'digest':
                f.write('%s =\n%s\n\n' % (name, hexlines(value)))
        if fields.get('digest'):
            f.write('[t]\ndigest =\n%s\n' % hexlines(fields['digest']))


def cases(tool):
    """(description, crypto-perf options, vector fields)."""
    pt = os.urandom(BUF)
    for name, ossl, klen, ivlen in CIPHERS:
        key, iv = os.urandom(klen), os.urandom(ivlen)
        if name == 'aes-xts':
            key = os.urandom(klen // 2) + os.urandom(klen // 2)
        ct = encrypt(tool, ossl, key, iv, pt)
        base = ['--cipher-algo', name, '--cipher-key-sz', str(klen), '--cipher-iv-sz',
                str(ivlen)]
        fields = {'plaintext': pt, 'ciphertext': ct, 'cipher_key': key, 'cipher_iv': iv}
        for op in ('encrypt', 'decrypt'):
            yield ('%s %s %s' % (ossl, op, klen * 8),
                   ['--optype', 'cipher-only', '--cipher-op', op] + base, fields)
    for name, kind, alg, klen, dlen in AUTHS:
        key = os.urandom(klen)
        digest = mac(kind, alg, key, pt, dlen)
        opts = ['--optype', 'auth-only', '--auth-algo', name, '--auth-key-sz', str(klen),
                '--digest-sz', str(dlen)]
        fields = {'plaintext': pt, 'ciphertext': pt, 'auth_key': key, 'digest': digest}
        for op in ('generate', 'verify'):
            yield ('%s key %d digest %d %s' % (name, klen, dlen, op),
                   opts + ['--auth-op', op], fields)
    # Chains: encrypt then MAC the ciphertext; verify the MAC, then decrypt.
    for (cname, ossl, klen, ivlen), (aname, kind, alg, aklen, dlen) in (
            (CIPHERS[0], AUTHS[4]), (CIPHERS[8], AUTHS[7]), (CIPHERS[13], AUTHS[10])):
        key, iv, akey = os.urandom(klen), os.urandom(ivlen), os.urandom(aklen)
        ct = encrypt(tool, ossl, key, iv, pt)
        digest = mac(kind, alg, akey, ct, dlen)
        fields = {'plaintext': pt, 'ciphertext': ct, 'cipher_key': key, 'cipher_iv': iv,
                  'auth_key': akey, 'digest': digest}
        common = ['--cipher-algo', cname, '--cipher-key-sz', str(klen), '--cipher-iv-sz',
                  str(ivlen), '--auth-algo', aname, '--auth-key-sz', str(aklen),
                  '--digest-sz', str(dlen)]
        yield ('%s + %s encrypt-generate' % (ossl, aname),
               ['--optype', 'cipher-then-auth', '--cipher-op', 'encrypt', '--auth-op',
                'generate'] + common, fields)
        yield ('%s + %s verify-decrypt' % (ossl, aname),
               ['--optype', 'auth-then-cipher', '--cipher-op', 'decrypt', '--auth-op',
                'verify'] + common, fields)


def failed_ops(output):
    """Failed Ops of the verify table's single row, or None."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if 'Failed Ops' in line and 'lcore id' in line:
            for row in lines[i + 1:]:
                cols = row.split()
                if len(cols) == 8 and all(c.isdigit() for c in cols):
                    return int(cols[7]), int(cols[4])
    return None


def main():
    wdenv, build, tool = sys.argv[1], sys.argv[2], sys.argv[3]
    kernel = '--kernel' in sys.argv[4:]
    env = dict(os.environ, WD_BUILD_DIR=build)
    if kernel:
        env.pop('WD_EMU', None)
        eal = ['-m', '256', '--iova-mode=va', '--file-prefix=wdperf']
    else:
        env['WD_EMU'] = 'hisi_sec_v1:1'
        eal = ['--no-huge', '-m', '256', '--no-shconf']
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        vec = os.path.join(tmp, 'vector.data')
        for descr, opts, fields in cases(tool):
            if kernel and not descr.startswith(KERNEL_CASES):
                continue
            write_vector(vec, fields)
            cmd = [wdenv, 'dpdk-test-crypto-perf', '-l', '0,1'] + eal + [
                   '--no-pci', '--log-level=*:warning', '--',
                   '--ptest', 'verify', '--devtype', 'crypto_wd_sec', '--test-file', vec,
                   '--buffer-sz', str(BUF), '--burst-sz', '32', '--total-ops', str(OPS)]
            if fields.get('digest'):
                opts = opts + ['--test-name', 't']
            run = subprocess.run(cmd + opts, env=env, capture_output=True, text=True,
                                 timeout=300)
            res = failed_ops(run.stdout)
            if run.returncode == 0 and res is not None and res == (0, OPS):
                passed += 1
                print('PASS %s: %d ops, 0 failed' % (descr, OPS))
            else:
                failed += 1
                print('FAIL %s: exit %d, (failed ops, dequeued) = %s' %
                      (descr, run.returncode, res))
                print(run.stdout[-2000:], run.stderr[-2000:])
    print('crypto-perf verify: %d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
