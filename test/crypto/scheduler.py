#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""The crypto scheduler over two crypto_wd_sec workers with large rings.

Debian's dpdk-test-crypto-perf --ptest verify on a crypto_scheduler vdev
whose workers are two emulated SEC devices, in every scheduling mode of
DPDK 22.11 (round-robin, packet-size-distr, fail-over, multi-core), with
2048 descriptors per queue pair (four times the SEC ring): an
AES-128-CBC + HMAC-SHA1 chain whose expected ciphertext and digest come from
the openssl tool. Every op must be dequeued and none may fail.

Usage: scheduler.py WD_ENV_WRAPPER BUILD_DIR
"""

import os
import subprocess
import sys
import tempfile

# the vector format and the verify table, as perf_verify.py writes and reads them
from perf_verify import failed_ops, hexlines, openssl  # noqa: E402

BUF = 256
OPS = 20000
DESC = 2048
POOL = 4 * DESC     # ops: twice the descriptors of both workers
MODES = [
    ('round-robin', [], '0,1', POOL),
    ('packet-size-distr', ['mode_param=threshold:%d' % BUF], '0,1', POOL),
    ('packet-size-distr', ['mode_param=threshold:%d' % (2 * BUF)], '0,1', POOL),
    ('fail-over', [], '0,1', POOL),
    # the mode's own worker core: lcore 2, on CPU 0 beside the main lcore.
    ('multi-core', ['corelist=2', 'ordering=enable'], '0@0,1@1,2@0', POOL),
    # Not without ordering: when a worker pushes back, DPDK 22.11's
    # multi-core worker core gives the scheduler's session back to the
    # wrong ops (scheduler_multicore.c: pending_deq_ops for pending_enq_ops);
    # crypto_wd_sec hides the part it can (test_wd_sec_ops checks it), the
    # rest still crashes now and then. See "Crypto scheduler" in
    # doc/guides/cryptodevs/wd_sec.rst.
]


def main():
    wdenv, build = sys.argv[1], sys.argv[2]
    env = dict(os.environ, WD_BUILD_DIR=build, WD_SYSFS_ROOT='/nonexistent',
               WD_EMU='hisi_sec_v1:2:cpu=1')
    pt, key, iv, akey = os.urandom(BUF), os.urandom(16), os.urandom(16), os.urandom(20)
    ct = openssl(['enc', '-aes-128-cbc', '-nopad', '-K', key.hex(), '-iv', iv.hex()], pt)
    digest = openssl(['mac', '-digest', 'sha1', '-macopt', 'hexkey:' + akey.hex(), '-binary',
                      'HMAC'], ct)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        vec = os.path.join(tmp, 'vector.data')
        with open(vec, 'w') as f:
            for name, value in (('plaintext', pt), ('ciphertext', ct), ('cipher_key', key),
                                ('cipher_iv', iv), ('auth_key', akey)):
                f.write('%s =\n%s\n\n' % (name, hexlines(value)))
            f.write('[t]\ndigest =\n%s\n' % hexlines(digest))
        for mode, params, lcores, pool in MODES:
            vdev = ','.join(['crypto_scheduler', 'worker=hisi_sec0', 'worker=hisi_sec1',
                             'mode=' + mode] + params)
            cmd = [wdenv, 'dpdk-test-crypto-perf', '--lcores', lcores, '--no-huge',
                   '-m', '512', '--no-pci', '--no-shconf', '--log-level=*:warning',
                   '--vdev', vdev, '--',
                   '--ptest', 'verify', '--devtype', 'crypto_scheduler',
                   '--test-file', vec, '--test-name', 't', '--optype', 'cipher-then-auth',
                   '--cipher-algo', 'aes-cbc', '--cipher-op', 'encrypt',
                   '--cipher-key-sz', '16', '--cipher-iv-sz', '16',
                   '--auth-algo', 'sha1-hmac', '--auth-op', 'generate',
                   '--auth-key-sz', '20', '--digest-sz', '20',
                   '--buffer-sz', str(BUF), '--burst-sz', '64', '--total-ops', str(OPS),
                   '--desc-nb', str(DESC), '--pool-sz', str(pool)]
            try:
                run = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                     timeout=120)
                rc, out, err = run.returncode, run.stdout, run.stderr
            except subprocess.TimeoutExpired as e:
                rc, out, err = 'timeout', str(e.stdout or ''), str(e.stderr or '')
            res = failed_ops(out)
            what = '%s %s, %d ops in the pool' % (mode, ' '.join(params), pool)
            if rc == 0 and res == (0, OPS):
                print('PASS %s: %d ops, %d descriptors, 0 failed' % (what, OPS, DESC))
            else:
                failed += 1
                print('FAIL %s: exit %s, (failed ops, dequeued) = %s' % (what, rc, res))
                print(out[-2000:], err[-2000:])
    print('crypto scheduler: %d of %d modes failed' % (failed, len(MODES)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
