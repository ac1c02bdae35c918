#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""DPDK's ipsec-secgw example (dpdk-doc, built unmodified): ESP tunnel mode,
AES-128-CBC + HMAC-SHA1-96, both directions, over two net_wd ports, on
crypto_wd_sec and then on crypto_openssl; its default path and its
librte_ipsec path (-l).

Port 0 (hisi_hns0) is the unprotected side (ESP), port 1 (hisi_hns1) the
protected side (plain IPv4); each is an emulated HNS ring pair whose wire is
a TAP interface in a private network namespace. The script talks to both
TAPs with AF_PACKET sockets:

- outbound: plain IPv4/UDP frames into port 1; the ESP frames that come out
  of port 0 are checked independently (Python's `cryptography`): outer IPv4
  header and checksum, SPI, sequence numbers, HMAC-SHA1-96 ICV, AES-128-CBC
  decryption, RFC 4303 padding, and the inner packet byte for byte;
- inbound: ESP frames built by this script (random IVs) into port 0; the
  decrypted packets that come out of port 1 must be the inner packets
  byte for byte (TTL aside, which ipsec-secgw may decrement), and
  frames whose ICV was damaged must not come out and must be counted as
  dropped in ipsec-secgw's own statistics (-t).

The plain output of both devices must be identical; the ESP output is
compared after decryption (ipsec-secgw draws its IVs at random).
Needs CAP_NET_ADMIN, /dev/net/tun and unshare -n (else exits 77: skipped).

Usage: ipsec_secgw.py REPO_TOP BUILD_DIR
"""

import os
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

try:
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
except ImportError:
    Cipher = None

CKEY = bytes.fromhex('6b1f2e3d4c5b6a798897a6b5c4d3e2f1')
AKEY = bytes.fromhex('0102030405060708090a0b0c0d0e0f1011121314')
SPI = 0x1007
ICV = 12
SGW_MAC = [None, None]  # learnt from the first frame out of each port
R_MAC = bytes.fromhex('02000000aa00')   # the remote gateway, behind port 0
L_MAC = bytes.fromhex('02000000bb01')   # the local host, behind port 1
TUN_LOCAL, TUN_REMOTE = '172.16.0.1', '172.16.0.2'
NET_LOCAL, NET_REMOTE = '192.168.1', '192.168.2'
SIZES = [0, 1, 15, 16, 17, 100, 255, 500, 1000, 1400]
ETH_P_ALL = 3

CONFIG = """\
sp ipv4 out esp protect {spi} pri 1 src {nl}.0/24 dst {nr}.0/24 sport 0:65535 dport 0:65535
sp ipv4 in esp protect {spi} pri 1 src {nr}.0/24 dst {nl}.0/24 sport 0:65535 dport 0:65535
sa out {spi} cipher_algo aes-128-cbc cipher_key {ck} auth_algo sha1-hmac auth_key {ak} \
mode ipv4-tunnel src {tl} dst {tr}
sa in {spi} cipher_algo aes-128-cbc cipher_key {ck} auth_algo sha1-hmac auth_key {ak} \
mode ipv4-tunnel src {tr} dst {tl}
rt ipv4 dst {tr}/32 port 0
rt ipv4 dst {nl}.0/24 port 1
neigh port 0 {rm}
neigh port 1 {lm}
"""


def colons(b):
    return ':'.join('%02x' % x for x in b)


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, payload, ident, ttl=64):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:] + payload


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 17, length)
    hdr = struct.pack('!HHHH', sport, dport, length, 0)
    c = csum(pseudo + hdr + data) or 0xffff
    return struct.pack('!HHHH', sport, dport, length, c) + data


def inner(i, n, outbound):
    src, dst = ('%s.%d' % (NET_LOCAL, 10 + i), '%s.%d' % (NET_REMOTE, 20 + i))
    if not outbound:
        src, dst = dst, src
    data = bytes((i * 13 + k) & 0xff for k in range(n))
    return ipv4(src, dst, 17, udp(src, dst, 4000 + i, 5000 + i, data), 0x100 + i)


def icv(data):
    h = hmac.HMAC(AKEY, hashes.SHA1())
    h.update(data)
    return h.finalize()[:ICV]


def esp_encap(pkt, seq, bad_icv=False):
    """ESP tunnel mode, as a peer gateway would send it."""
    pad = -(len(pkt) + 2) % 16
    plain = pkt + bytes(range(1, pad + 1)) + bytes([pad, 4])
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(CKEY), modes.CBC(iv)).encryptor()
    body = struct.pack('!II', SPI, seq) + iv + enc.update(plain) + enc.finalize()
    tag = icv(body)
    if bad_icv:
        tag = bytes([tag[0] ^ 0x80]) + tag[1:]
    return ipv4(TUN_REMOTE, TUN_LOCAL, 50, body + tag, seq & 0xffff)


def esp_decap(ip):
    """Checks an ESP tunnel packet from the gateway independently and
    returns (sequence number, inner packet) or raises ValueError."""
    ver, _, tot, _, _, _, proto, _, src, dst = struct.unpack('!BBHHHBBH4s4s', ip[:20])
    if ver != 0x45 or proto != 50 or tot != len(ip):
        raise ValueError('not an ESP IPv4 packet (ver %#x proto %d len %d/%d)' %
                         (ver, proto, tot, len(ip)))
    if csum(ip[:20]) != 0:
        raise ValueError('bad outer IPv4 header checksum')
    if (socket.inet_ntoa(src), socket.inet_ntoa(dst)) != (TUN_LOCAL, TUN_REMOTE):
        raise ValueError('outer addresses %s -> %s' % (socket.inet_ntoa(src),
                                                       socket.inet_ntoa(dst)))
    esp = ip[20:]
    spi, seq = struct.unpack('!II', esp[:8])
    if spi != SPI:
        raise ValueError('SPI %#x' % spi)
    body, tag = esp[:-ICV], esp[-ICV:]
    if icv(body) != tag:
        raise ValueError('ICV mismatch')
    iv, ct = body[8:24], body[24:]
    if len(ct) % 16:
        raise ValueError('ciphertext not a whole number of blocks')
    dec = Cipher(algorithms.AES(CKEY), modes.CBC(iv)).decryptor()
    plain = dec.update(ct) + dec.finalize()
    pad, nh = plain[-2], plain[-1]
    if nh != 4 or plain[-2 - pad:-2] != bytes(range(1, pad + 1)):
        raise ValueError('bad ESP trailer (pad %d next header %d)' % (pad, nh))
    return seq, plain[:-2 - pad]


def same_but_ttl(a, b):
    """IPv4 packets equal apart from TTL and header checksum."""
    return len(a) == len(b) and a[:8] == b[:8] and a[9:10] == b[9:10] and a[12:] == b[12:]


def drain(s):
    while select.select([s], [], [], 0.2)[0]:
        s.recv(65536)


def collect(s, want, timeout):
    got = []
    end = time.time() + timeout
    while len(got) < want and time.time() < end:
        if select.select([s], [], [], 0.2)[0]:
            f = s.recv(65536)
            if f[6:12] in SGW_MAC and f[12:14] == b'\x08\x00':
                got.append(f)
    return got


def dropped(out):
    vals = re.findall(r'Total packets dropped:\s*(\d+)', out)
    return int(vals[-1]) if vals else None


def run(top, app, workdir, with_sec, librte_ipsec):
    cfg = os.path.join(workdir, 'ep.cfg')
    with open(cfg, 'w') as f:
        f.write(CONFIG.format(spi=SPI, nl=NET_LOCAL, nr=NET_REMOTE, tl=TUN_LOCAL, tr=TUN_REMOTE,
                              ck=colons(CKEY), ak=colons(AKEY), rm=colons(R_MAC),
                              lm=colons(L_MAC)))
    env = dict(os.environ, WD_SYSFS_ROOT='/nonexistent')
    env['WD_EMU'] = 'hisi_hns_v1:2:queues=1:wire=tap' + (',hisi_sec_v1:1' if with_sec else '')
    eal = ['-l', '0', '--no-huge', '-m', '512', '--no-pci', '--no-shconf',
           '-b', 'wd:hisi_hns0', '-b', 'wd:hisi_hns1',
           '--vdev', 'net_wd0,dev=hisi_hns0', '--vdev', 'net_wd1,dev=hisi_hns1']
    if not with_sec:
        eal += ['--vdev', 'crypto_openssl0']
    args = ['-p', '0x3', '-u', '0x1', '-P', '--config', '(0,0,0),(1,0,0)', '-f', cfg,
            '-t', '1', '-s', '8192']
    if librte_ipsec:
        args.append('-l')
    logname = os.path.join(workdir, 'sgw.log')
    log = open(logname, 'w+')
    p = subprocess.Popen(['stdbuf', '-oL', os.path.join(top, 'devtools', 'wd-env'), app] + eal +
                         ['--'] + args, env=env, stdout=log, stderr=subprocess.STDOUT)

    def output():
        if not log.closed:
            log.flush()
        with open(logname, errors='replace') as f:
            return f.read()

    res = {}
    try:
        end = time.time() + 60
        while 'Core statistics' not in output():
            if p.poll() is not None or time.time() > end:
                raise RuntimeError('ipsec-secgw did not start')
            time.sleep(0.2)
        for name in ('hisi_hns0', 'hisi_hns1'):
            subprocess.run(['sysctl', '-qw', 'net.ipv6.conf.%s.disable_ipv6=1' % name],
                           capture_output=True)
            subprocess.run(['ip', 'link', 'set', name, 'up'], check=True)
        s0 = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s0.bind(('hisi_hns0', 0))
        s1 = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s1.bind(('hisi_hns1', 0))
        # The gateway's MACs: the TAP's peer is the net_wd port, whose MAC
        # ipsec-secgw puts as the source of what it sends; learn them from
        # a first outbound packet (until it comes, ipsec-secgw may still be
        # setting up).
        probe = inner(0, 8, True)
        end = time.time() + 30
        while SGW_MAC[0] is None and time.time() < end:
            s1.send(b'\xff' * 6 + L_MAC + b'\x08\x00' + probe)
            while select.select([s0], [], [], 0.3)[0]:
                f = s0.recv(65536)
                if f[:6] == R_MAC and f[12:14] == b'\x08\x00' and f[23] == 50:
                    SGW_MAC[0] = f[6:12]
        if SGW_MAC[0] is None:
            raise RuntimeError('no ESP came out of port 0')
        # port 1's MAC: from the TAP's peer address is not visible, so ask
        # the port to reflect an inbound packet
        s0.send(SGW_MAC[0] + R_MAC + b'\x08\x00' + esp_encap(inner(0, 8, False), 1))
        end = time.time() + 10
        while SGW_MAC[1] is None and time.time() < end:
            if select.select([s1], [], [], 0.3)[0]:
                f = s1.recv(65536)
                if f[:6] == L_MAC and f[12:14] == b'\x08\x00':
                    SGW_MAC[1] = f[6:12]
        if SGW_MAC[1] is None:
            raise RuntimeError('no plain packet came out of port 1')
        drain(s0)
        drain(s1)
        time.sleep(1.2)
        before = dropped(output())

        # outbound
        plains = [inner(i + 1, n, True) for i, n in enumerate(SIZES)]
        for pk in plains:
            s1.send(SGW_MAC[1] + L_MAC + b'\x08\x00' + pk)
            time.sleep(0.005)
        got = collect(s0, len(plains), 10)
        res['out_frames'] = len(got)
        res['out_ok'] = 0
        res['out_inner'] = []
        seqs = []
        for f, want in zip(got, plains):
            if f[:6] != R_MAC:
                raise RuntimeError('ESP frame to %s, not the neighbour' % f[:6].hex())
            try:
                seq, pk = esp_decap(f[14:])
            except ValueError as e:
                raise RuntimeError('outbound ESP: %s' % e)
            seqs.append(seq)
            res['out_inner'].append(pk)
            if same_but_ttl(pk, want):
                res['out_ok'] += 1
        if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
            raise RuntimeError('ESP sequence numbers %s' % seqs)

        # inbound, every third frame with a damaged ICV
        sent, bad = [], 0
        for i, n in enumerate(SIZES):
            pk = inner(i + 1, n, False)
            corrupt = i % 3 == 2
            s0.send(SGW_MAC[0] + R_MAC + b'\x08\x00' + esp_encap(pk, 10 + i, corrupt))
            if corrupt:
                bad += 1
            else:
                sent.append(pk)
            time.sleep(0.005)
        got = collect(s1, len(SIZES), 5)
        res['in_frames'] = len(got)
        res['in_plain'] = [f[14:] for f in got]
        res['in_ok'] = sum(1 for f, w in zip(got, sent)
                           if f[:6] == L_MAC and same_but_ttl(f[14:], w))
        res['in_sent'], res['in_bad'] = len(sent), bad
        time.sleep(2.2)
        after = dropped(output())
        res['dropped'] = None if before is None or after is None else after - before
    except (RuntimeError, OSError) as e:
        out = output()
        lines = [line for line in out.replace('\x1b', '\n').splitlines()
                 if line and not line.startswith('[')]
        sys.stdout.write('\n'.join(lines[-60:]) + '\n')
        raise SystemExit('FAIL: %s' % e)
    finally:
        p.terminate()
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
    res['log'] = output()
    return res


def main():
    top, build = sys.argv[1], os.path.abspath(sys.argv[2])
    if Cipher is None:
        print('SKIP: python3-cryptography missing')
        sys.exit(77)
    if not os.environ.get('WD_IN_NETNS'):
        if not os.path.exists('/dev/net/tun'):
            print('SKIP: no /dev/net/tun')
            sys.exit(77)
        env = dict(os.environ, WD_IN_NETNS='1')
        try:
            r = subprocess.run(['unshare', '-n', sys.executable] + sys.argv, env=env)
        except OSError:
            r = None
        if r is None or r.returncode not in (0, 1, 77):
            print('SKIP: unshare -n failed')
            sys.exit(77)
        sys.exit(r.returncode)
    if subprocess.run(['ip', 'tuntap', 'add', 'dev', 'wdcaptest', 'mode', 'tap'],
                      capture_output=True).returncode:
        print('SKIP: no CAP_NET_ADMIN')
        sys.exit(77)
    subprocess.run(['ip', 'tuntap', 'del', 'dev', 'wdcaptest', 'mode', 'tap'])
    os.environ['WD_BUILD_DIR'] = build
    app = subprocess.run([os.path.join(top, 'devtools', 'build-example'), 'ipsec-secgw'],
                         capture_output=True, text=True, check=True).stdout.strip()
    n = len(SIZES)
    failed = []
    outs = {}
    with tempfile.TemporaryDirectory() as workdir:
        for path, lib in (('default', False), ('librte_ipsec', True)):
            for dev, with_sec in (('crypto_wd_sec', True), ('crypto_openssl', False)):
                SGW_MAC[0] = SGW_MAC[1] = None
                r = run(top, app, workdir, with_sec, lib)
                print('%-12s %-14s outbound %d/%d ESP, %d decrypt right; inbound %d/%d '
                      'plain, %d right; %d bad-ICV sent, dropped %s' %
                      (path, dev, r['out_frames'], n, r['out_ok'], r['in_frames'],
                       r['in_sent'], r['in_ok'], r['in_bad'], r['dropped']))
                if with_sec and 'hisi_sec0' not in r['log']:
                    failed.append('%s: crypto_wd_sec not probed' % path)
                if 'librte_ipsec usage: %s' % ('enabled' if lib else 'disabled') \
                        not in r['log']:
                    failed.append('%s %s: not the path asked for' % (path, dev))
                if not re.search(r'cdev mapping: lcore 0 using cdev 0 ', r['log']):
                    failed.append('%s %s: no crypto device mapped' % (path, dev))
                if 'STATUS_ERROR' in r['log'] or 'status 2' in r['log']:
                    failed.append('%s %s: crypto ops failed' % (path, dev))
                if r['out_ok'] != n:
                    failed.append('%s %s: outbound' % (path, dev))
                if r['in_frames'] != r['in_sent'] or r['in_ok'] != r['in_sent']:
                    failed.append('%s %s: inbound' % (path, dev))
                if r['dropped'] != r['in_bad']:
                    failed.append('%s %s: %s dropped, %d bad ICVs sent' %
                                  (path, dev, r['dropped'], r['in_bad']))
                outs[(path, dev)] = (r['out_inner'], r['in_plain'])
            if outs[(path, 'crypto_wd_sec')] != outs[(path, 'crypto_openssl')]:
                failed.append('%s: crypto_wd_sec and crypto_openssl output differs' % path)
    if failed:
        raise SystemExit('FAIL: ' + '; '.join(failed))
    print('PASS: ESP tunnel both ways on both paths, same as crypto_openssl')


if __name__ == '__main__':
    main()
