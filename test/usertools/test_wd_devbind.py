#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""Tests of usertools/wd-devbind.py on fake sysfs trees.

Most tests call the tool's main() in this process with its sysfs writes
going to a fake kernel (fake_sysfs.FakeKernel); the command-line tests and
everything that loads libwd (emulated devices, WD_EMU is read once per
process) run the script as a subprocess.

    python3 test/usertools/test_wd_devbind.py [-v] [Test.name]

WD_LIBWD names the libwd.so.0 to use for the emulated-device tests
(default: build/lib/wd/libwd.so.0); they are skipped if it cannot load.
"""

import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(TOP, 'usertools', 'wd-devbind.py')
sys.path.insert(0, HERE)

import fake_sysfs                                   # noqa: E402
from fake_sysfs import FakeKernel, FakeSysfs, dead_pid  # noqa: E402


def load_tool():
    spec = importlib.util.spec_from_file_location('wd_devbind', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


wdb = load_tool()

U1 = '11111111-2222-4333-8444-555555555551'
U2 = '11111111-2222-4333-8444-555555555552'
U3 = '11111111-2222-4333-8444-555555555553'
U4 = '11111111-2222-4333-8444-555555555554'
U5 = '11111111-2222-4333-8444-555555555555'
UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z')


def libwd_path():
    return os.environ.get('WD_LIBWD') or os.path.join(TOP, 'build', 'lib', 'wd',
                                                      'libwd.so.0')


def libwd_loadable():
    """Probe in a child: a sanitizer-built libwd aborts a plain python."""
    p = libwd_path()
    if not os.path.exists(p):
        return False
    r = subprocess.run([sys.executable, '-c', 'import ctypes, sys; ctypes.CDLL(sys.argv[1])',
                        p], capture_output=True, timeout=60)
    return r.returncode == 0


LIBWD_OK = libwd_loadable()


# ---------------------------------------------------------------- schema --

OPT_INT = (int, type(None))
OPT_STR = (str, type(None))
OPT_BOOL = (bool, type(None))

QUEUE_SCHEMA = {'uuid': str, 'device': str, 'type': str, 'owner': OPT_INT,
                'owner_alive': OPT_BOOL, 'state': OPT_STR, 'depth': OPT_INT,
                'orphan': bool}
TYPE_SCHEMA = {'type': str, 'name': OPT_STR, 'device_api': OPT_STR, 'flags': OPT_INT,
               'flag_names': [str], 'available_instances': OPT_INT,
               'max_instances': OPT_INT, 'queues': [QUEUE_SCHEMA]}
PARENT_SCHEMA = {'name': str, 'path': str, 'bus': OPT_STR, 'driver': OPT_STR}
DEVICE_SCHEMA = {'name': str, 'emulated': bool, 'driver': OPT_STR,
                 'parent': (PARENT_SCHEMA, type(None)), 'numa_node': OPT_INT,
                 'priority': OPT_INT, 'max_queues': OPT_INT, 'usable': bool,
                 'problems': [str], 'types': [TYPE_SCHEMA], 'queues_total': int}
LIBWD_SCHEMA = {'wd_emu': OPT_STR, 'path': OPT_STR, 'error': OPT_STR,
                'messages': [str]}
STATUS_SCHEMA = {'version': int, 'sysfs_root': str, 'class_present': bool,
                 'devices': [DEVICE_SCHEMA], 'libwd': LIBWD_SCHEMA}
CREATE_SCHEMA = {'version': int, 'device': str, 'type': str, 'created': [str]}
CLEAN_SCHEMA = {'version': int, 'removed': [QUEUE_SCHEMA], 'failed': [dict]}


def check_schema(tc, value, schema, where='$'):
    """Every key of the documented schema, no other, of the right type."""
    if isinstance(schema, dict):
        tc.assertIsInstance(value, dict, where)
        tc.assertEqual(sorted(value), sorted(schema), where)
        for k, s in schema.items():
            check_schema(tc, value[k], s, '%s.%s' % (where, k))
    elif isinstance(schema, list):
        tc.assertIsInstance(value, list, where)
        for i, v in enumerate(value):
            check_schema(tc, v, schema[0], '%s[%d]' % (where, i))
    elif isinstance(schema, tuple) and any(isinstance(s, dict) for s in schema):
        if value is not None:
            check_schema(tc, value, [s for s in schema if isinstance(s, dict)][0], where)
    else:
        tc.assertIsInstance(value, schema, where)
        if schema is int or schema == OPT_INT:
            tc.assertNotIsInstance(value, bool, where)


# ------------------------------------------------------------------ base --

class Base(unittest.TestCase):
    def setUp(self):
        self.fs = FakeSysfs()
        self.addCleanup(self.fs.cleanup)
        self.kernel = FakeKernel(self.fs)
        env = {'WD_SYSFS_ROOT': self.fs.root}
        p = mock.patch.dict(os.environ, env)
        p.start()
        self.addCleanup(p.stop)
        for var in ('WD_EMU', 'WD_LIBWD'):
            os.environ.pop(var, None)
        p = mock.patch.object(wdb, 'write_attr', self.kernel)
        p.start()
        self.addCleanup(p.stop)

    def run_tool(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = wdb.main(list(argv))
        self.out, self.err = out.getvalue(), err.getvalue()
        return rc

    def assertRc(self, rc, *argv):
        got = self.run_tool(*argv)
        self.assertEqual(got, rc, 'argv %s: stdout %r stderr %r' % (argv, self.out, self.err))
        if rc not in (0, 2):
            # one clear line, never a traceback
            self.assertRegex(self.err, r'\Awd-devbind.py: error: [^\n]+\n\Z')
        return self.out

    def standard_tree(self):
        """wd_dummy0 (software, 2 queues), wd_dummy1 (software), hisi_sec0
        under platform device HISI0200:00 (the SEC's three types, flags)."""
        fs = self.fs
        fs.add_dev('wd_dummy0')
        fs.add_dev('wd_dummy1', prio='20\n', numa='0\n')
        par = fs.add_parent('HISI0200:00', 'hisi_sec')
        fs.add_dev('hisi_sec0', drv='hisi_sec', parent=par, prio='90\n', numa='0\n',
                   max_queues=None, types={
                       'hisi_sec-chain': ('chain\n', '0\n', '15\n', 'hisi_sec_v1\n'),
                       'hisi_sec-cipher': ('cipher\n', '0x3\n', '15\n', 'hisi_sec_v1\n'),
                       'hisi_sec-digest': ('digest\n', '1\n', '15\n', 'hisi_sec_v1\n')})
        fs.add_driver('platform', 'vfio-platform')
        self.dead = dead_pid()
        fs.add_queue('wd_dummy0', 'wd_dummy-memcpy', U1, os.getpid(), 'open')
        fs.add_queue('wd_dummy0', 'wd_dummy-memcpy', U2, self.dead, 'released')
        fs.write('sys/devices/wd/wd_dummy0/mdev_supported_types/wd_dummy-memcpy/'
                 'available_instances', '6\n')

    def status(self):
        self.assertRc(0, '--status', '--json')
        return {d['name']: d for d in json.loads(self.out)['devices']}


# --------------------------------------------------------------- parsers --

class TestParsers(unittest.TestCase):
    """The same rules as lib/wd/wd_parse.c (test/unit/test_parse.c)."""

    def test_long(self):
        self.assertEqual(wdb.parse_long('42\n', 0, 100), 42)
        self.assertEqual(wdb.parse_long('-1\n', -1, 5), -1)
        self.assertEqual(wdb.parse_long('+7', 0, 9), 7)
        for bad in ('', '\n', ' 1', '0x10', '1_0', '1.0', 'abc', '1 2', '-', '٣'):
            with self.assertRaises(ValueError, msg=repr(bad)):
                wdb.parse_long(bad, -100, 100)
        with self.assertRaises(ValueError):
            wdb.parse_long('101', 0, 100)
        with self.assertRaises(ValueError):
            wdb.parse_long(None, 0, 1)

    def test_u32(self):
        self.assertEqual(wdb.parse_u32('0x3\n'), 3)
        self.assertEqual(wdb.parse_u32('0XfF'), 255)
        self.assertEqual(wdb.parse_u32('12'), 12)
        self.assertEqual(wdb.parse_u32('0xffffffff'), 0xffffffff)
        for bad in ('', '0x', 'x1', '-1', '0x1ffffffff', '4294967296', 'a', ' 1'):
            with self.assertRaises(ValueError, msg=repr(bad)):
                wdb.parse_u32(bad)

    def test_name(self):
        self.assertEqual(wdb.parse_name('wd_dummy-memcpy\n'), 'wd_dummy-memcpy')
        self.assertEqual(wdb.parse_name('a.b:c'), 'a.b:c')
        for bad in ('', '\n', 'wd dummy', 'a/b', 'x' * 64, 'é'):
            with self.assertRaises(ValueError, msg=repr(bad)):
                wdb.parse_name(bad)
        self.assertEqual(wdb.parse_name('x' * 63), 'x' * 63)

    def test_uuid_and_flags(self):
        self.assertTrue(wdb.uuid_valid(U1))
        self.assertTrue(wdb.uuid_valid(U1.upper()))
        self.assertFalse(wdb.uuid_valid(U1[:-1]))
        self.assertFalse(wdb.uuid_valid(U1.replace('-', '_')))
        self.assertEqual(wdb.flag_names(0), [])
        self.assertEqual(wdb.flag_names(3), ['share_all', 'allow_legacy'])
        self.assertEqual(wdb.flag_names(0x12), ['allow_legacy', 'bit4'])

    def test_pid_alive(self):
        self.assertTrue(wdb.pid_alive(os.getpid()))
        self.assertFalse(wdb.pid_alive(dead_pid()))
        self.assertIsNone(wdb.pid_alive(0))
        self.assertIsNone(wdb.pid_alive(None))
        self.assertTrue(wdb.pid_alive(1))       # EPERM as a user, alive as root


# ---------------------------------------------------------------- status --

class TestStatus(Base):
    def test_text(self):
        self.standard_tree()
        out = self.assertRc(0)
        self.assertEqual(out, self.assertRc(0, '--status'))
        self.assertEqual(out, self.assertRc(0, '-s'))
        self.assertIn('wd_dummy0  drv=wd_dummy  numa_zone_id=-1  priority=10  '
                      'max_queues=8', out)
        self.assertIn('parent /sys/devices/wd (not on a bus: software device)', out)
        self.assertIn('parent /sys/devices/platform/HISI0200:00 bus=platform drv=hisi_sec',
                      out)
        self.assertIn('wd_dummy-memcpy  name=memcpy  device_api=wd_dummy_v1  '
                      'flags=0x0 (none)  instances 6/8 free', out)
        self.assertIn('hisi_sec-cipher  name=cipher  device_api=hisi_sec_v1  '
                      'flags=0x3 (share_all,allow_legacy)  instances 15/15 free', out)
        self.assertIn('flags=0x1 (share_all)', out)
        self.assertIn('%s  state=open  owner=%d (alive)  depth=512\n' % (U1, os.getpid()),
                      out)
        self.assertIn('%s  state=released  owner=%d (gone)  depth=512  ORPHAN' % (
            U2, self.dead), out)
        self.assertNotIn('Emulated', out)
        # sorted by name
        self.assertLess(out.index('hisi_sec0'), out.index('wd_dummy0'))
        self.assertLess(out.index('wd_dummy0 '), out.index('wd_dummy1 '))

    def test_json(self):
        self.standard_tree()
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U3, 0, 'released')
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U4, self.dead, None)
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U5, self.dead, 'open')
        self.assertRc(0, '--json')
        doc = json.loads(self.out)
        check_schema(self, doc, STATUS_SCHEMA)
        self.assertEqual(doc['version'], 1)
        self.assertEqual(doc['sysfs_root'], self.fs.root)
        self.assertTrue(doc['class_present'])
        self.assertEqual(doc['libwd'], {'wd_emu': None, 'path': None, 'error': None,
                                        'messages': []})
        devs = {d['name']: d for d in doc['devices']}
        self.assertEqual([d['name'] for d in doc['devices']],
                         ['hisi_sec0', 'wd_dummy0', 'wd_dummy1'])
        d0 = devs['wd_dummy0']
        self.assertEqual((d0['driver'], d0['numa_node'], d0['priority'], d0['max_queues'],
                          d0['usable'], d0['problems'], d0['emulated'], d0['queues_total']),
                         ('wd_dummy', -1, 10, 8, True, [], False, 2))
        self.assertEqual(d0['parent'], {'name': 'wd', 'path': '/sys/devices/wd',
                                        'bus': None, 'driver': None})
        t = d0['types'][0]
        self.assertEqual((t['type'], t['name'], t['device_api'], t['flags'],
                          t['flag_names'], t['available_instances'], t['max_instances']),
                         ('wd_dummy-memcpy', 'memcpy', 'wd_dummy_v1', 0, [], 6, 8))
        qs = {q['uuid']: q for q in t['queues']}
        self.assertEqual(qs[U1], {'uuid': U1, 'device': 'wd_dummy0',
                                  'type': 'wd_dummy-memcpy', 'owner': os.getpid(),
                                  'owner_alive': True, 'state': 'open', 'depth': 512,
                                  'orphan': False})
        self.assertTrue(qs[U2]['orphan'])
        self.assertFalse(qs[U2]['owner_alive'])
        h = devs['hisi_sec0']
        self.assertEqual(h['parent'], {'name': 'HISI0200:00', 'bus': 'platform',
                                       'driver': 'hisi_sec',
                                       'path': '/sys/devices/platform/HISI0200:00'})
        self.assertIsNone(h['max_queues'])
        self.assertEqual([(t['type'], t['flags'], t['flag_names'], t['max_instances'])
                          for t in h['types']],
                         [('hisi_sec-chain', 0, [], 15),
                          ('hisi_sec-cipher', 3, ['share_all', 'allow_legacy'], 15),
                          ('hisi_sec-digest', 1, ['share_all'], 15)])
        # orphan judgement as libwd: owner 0 not judged, no state not judged,
        # open never an orphan
        q1 = {q['uuid']: q for q in devs['wd_dummy1']['types'][0]['queues']}
        self.assertEqual((q1[U3]['owner'], q1[U3]['owner_alive'], q1[U3]['orphan']),
                         (0, None, False))
        self.assertEqual((q1[U4]['state'], q1[U4]['orphan']), (None, False))
        self.assertEqual((q1[U5]['owner_alive'], q1[U5]['orphan']), (False, False))

    def test_malformed_devices(self):
        """The bad devices of test/unit/test_scan.c: listed, marked as
        skipped by libwd, with the reason."""
        fs = self.fs
        fs.add_plain_dev('good')
        fs.add_plain_dev('bad_prio', prio='abc\n')
        fs.add_plain_dev('bad_numa', numa='5000\n')
        fs.add_plain_dev('no_flags', flags=None)
        fs.add_plain_dev('no_prio', prio=None)
        fs.add_plain_dev('no_types', t=None)
        fs.add_plain_dev('bad_api', api='wd dummy\n')
        fs.add_plain_dev('bad_avail', avail='-3\n')
        fs.add_plain_dev('empty_alg', alg='\n')
        fs.add_plain_dev('huge_flags', flags='0x1ffffffff\n')
        fs.write('sys/class/wd_dev/bad name/wrapdrive_dev/priority', 'garbage')
        devs = self.status()
        self.assertTrue(devs['good']['usable'])
        self.assertIsNone(devs['good']['parent'])
        self.assertIsNone(devs['good']['driver'])
        bad = sorted(n for n, d in devs.items() if not d['usable'])
        self.assertEqual(bad, sorted(n for n in devs if n != 'good'))
        self.assertIn("wrapdrive_dev/priority: not a decimal integer: 'abc'",
                      devs['bad_prio']['problems'])
        self.assertIn('wrapdrive_dev/numa_zone_id: 5000 is outside -1..1023',
                      devs['bad_numa']['problems'])
        self.assertIn('x-memcpy/flags: missing', devs['no_flags']['problems'])
        self.assertIn('no mdev_supported_types directory', devs['no_types']['problems'])
        self.assertIn('x-memcpy/available_instances: -3 is outside 0..1048576',
                      devs['bad_avail']['problems'])
        self.assertIn('x-memcpy/name: empty', devs['empty_alg']['problems'])
        self.assertIn('x-memcpy/flags: 0x1ffffffff does not fit in 32 bits',
                      devs['huge_flags']['problems'])
        self.assertIn('device name: bad characters', devs['bad name']['problems'][0])
        self.assertRc(0)
        self.assertIn('bad_prio  drv=-  numa_zone_id=0  priority=?\n'
                      '    SKIPPED by libwd:\n'
                      "      wrapdrive_dev/priority: not a decimal integer: 'abc'\n", self.out)

    @unittest.skipUnless(LIBWD_OK, 'libwd cannot be loaded')
    def test_usable_matches_libwd(self):
        """Devices marked usable are exactly those libwd's wd_scan() keeps."""
        self.test_malformed_devices()
        self.standard_tree()
        fs = self.fs
        fs.add_plain_dev('nine_types')
        for i in range(9):
            fs.add_type('nine_types', 't%d' % i, 'a\n', '0\n', '1\n', 'api\n')
        code = ('import ctypes, os, sys\n'
                'sys.path.insert(0, os.path.dirname(sys.argv[1]))\n'
                'import importlib.util as u\n'
                's = u.spec_from_file_location("w", sys.argv[1])\n'
                'w = u.module_from_spec(s); s.loader.exec_module(w)\n'
                'lib, _ = w.load_libwd()\n'
                'keep = w._LOG_FN(lambda level, msg: None)\n'
                'lib.wd_set_log_fn(keep)\n'
                'arr = ctypes.POINTER(w._DevInfo)()\n'
                'n = lib.wd_scan(ctypes.byref(arr))\n'
                'print(" ".join(arr[i].name.decode() for i in range(n)))\n')
        env = dict(os.environ, WD_LIBWD=libwd_path())
        r = subprocess.run([sys.executable, '-c', code, TOOL], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        libwd = sorted(r.stdout.split())
        devs = self.status()
        mine = sorted(n for n, d in devs.items() if d['usable'])
        self.assertEqual(mine, libwd)
        self.assertIn('nine_types', mine)
        self.assertIn('more than 8 types: libwd ignores the rest',
                      devs['nine_types']['problems'])

    def test_no_class_dir(self):
        os.rmdir(self.fs.path('sys/class/wd_dev'))
        out = self.assertRc(0)
        self.assertIn('none: /sys/class/wd_dev does not exist (is wd.ko loaded?)', out)
        self.assertRc(0, '--json')
        doc = json.loads(self.out)
        check_schema(self, doc, STATUS_SCHEMA)
        self.assertEqual((doc['class_present'], doc['devices']), (False, []))

    def test_empty_class_dir(self):
        self.assertIn('\nnone\n', self.assertRc(0))

    def test_filter(self):
        self.standard_tree()
        self.assertRc(0, '--status', 'wd_dummy1', '--json')
        self.assertEqual([d['name'] for d in json.loads(self.out)['devices']],
                         ['wd_dummy1'])
        self.assertRc(4, '--status', 'wd_dummy7')
        self.assertIn('no such device: wd_dummy7', self.err)

    def test_unreadable_class_dir(self):
        if os.geteuid() == 0:
            self.skipTest('root reads anything')
        os.chmod(self.fs.path('sys/class/wd_dev'), 0)
        self.addCleanup(os.chmod, self.fs.path('sys/class/wd_dev'), 0o755)
        self.assertRc(3)


# ---------------------------------------------------------------- create --

class TestCreate(Base):
    def created(self):
        return [line for line in self.out.splitlines() if line]

    def test_one(self):
        self.standard_tree()
        self.assertRc(0, '--create', 'wd_dummy1')
        (u,) = self.created()
        self.assertRegex(u, UUID_RE)
        self.assertTrue(self.fs.queue_exists(u))
        d = self.status()['wd_dummy1']
        self.assertEqual(d['types'][0]['available_instances'], 7)
        self.assertEqual([q['uuid'] for q in d['types'][0]['queues']], [u])

    def test_count_and_json(self):
        self.standard_tree()
        self.assertRc(0, '--create', 'wd_dummy1:wd_dummy-memcpy', '-n', '3')
        uuids = self.created()
        self.assertEqual(len(set(uuids)), 3)
        self.assertRc(0, '--create', 'wd_dummy1', '--count', '2', '--json')
        doc = json.loads(self.out)
        check_schema(self, doc, CREATE_SCHEMA)
        self.assertEqual((doc['device'], doc['type'], len(doc['created'])),
                         ('wd_dummy1', 'wd_dummy-memcpy', 2))
        self.assertEqual(self.status()['wd_dummy1']['types'][0]['available_instances'], 3)

    def test_type_names(self):
        self.standard_tree()
        for spec, t in (('hisi_sec0:hisi_sec-digest', 'hisi_sec-digest'),
                        ('hisi_sec0:cipher', 'hisi_sec-cipher'),
                        ('hisi_sec0:chain', 'hisi_sec-chain'),
                        ('wd_dummy0:memcpy', 'wd_dummy-memcpy')):
            self.kernel.writes.clear()
            self.assertRc(0, '--create', spec)
            self.assertEqual(len(self.kernel.writes), 1)
            self.assertTrue(self.kernel.writes[0][0].endswith('/%s/create' % t), spec)

    def test_device_name_with_colon(self):
        self.fs.add_dev('acc:0')
        self.assertRc(0, '--create', 'acc:0')
        self.assertRc(0, '--create', 'acc:0:memcpy')

    def test_errors(self):
        self.standard_tree()
        self.assertRc(2, '--create', 'hisi_sec0')
        self.assertIn('hisi_sec0 has several types (hisi_sec-chain, hisi_sec-cipher, '
                      'hisi_sec-digest): say hisi_sec0:TYPE', self.err)
        self.assertRc(4, '--create', 'hisi_sec0:sha1')
        self.assertIn("no such type 'sha1' on hisi_sec0", self.err)
        self.assertRc(4, '--create', 'nodev')
        self.assertIn('no such device: nodev (not in /sys/class/wd_dev)', self.err)
        self.assertRc(4, '--create', '../../..')
        self.assertRc(2, '--create', 'wd_dummy1', '-n', '0')
        self.assertRc(2, '--create', 'wd_dummy1', '-n', '1025')
        self.assertRc(2, '--create', 'wd_dummy1', 'extra')
        self.assertRc(2, '-n', '2')
        self.assertRc(2, '--create')
        self.assertRc(2, '--create', 'wd_dummy1', '-n', 'x')
        self.assertEqual(self.kernel.writes, [])

    def test_no_instances(self):
        self.standard_tree()
        self.fs.write(self.fs.type_dir('wd_dummy1', 'wd_dummy-memcpy') +
                      '/available_instances', '0\n')
        self.assertRc(5, '--create', 'wd_dummy1')
        self.assertIn('wd_dummy1 wd_dummy-memcpy: no instances left (available_instances 0, '
                      'asked for 1)', self.err)
        self.assertRc(5, '--create', 'wd_dummy0', '-n', '7')
        self.assertEqual(self.kernel.writes, [])
        self.assertEqual(self.out, '')

    def test_kernel_says_no_instances(self):
        """EUSERS (or ENOSPC) from create: another process got there first."""
        self.standard_tree()
        self.fs.write(self.fs.type_dir('wd_dummy0', 'wd_dummy-memcpy') +
                      '/available_instances', '1\n')
        path = self.fs.type_dir('wd_dummy0', 'wd_dummy-memcpy') + '/available_instances'
        real = self.kernel

        def racing(p, v):
            real(p, v)
            self.fs.write(path, '0\n')     # looks free, then the kernel refuses
            self.fs.write(path, '5\n')
        self.kernel.fail['/create'] = fake_sysfs.errno.EUSERS
        self.assertRc(5, '--create', 'wd_dummy0')
        self.assertIn('creating a wd_dummy-memcpy queue on wd_dummy0: no instances left '
                      '(Too many users)', self.err)
        self.kernel.fail['/create'] = fake_sysfs.errno.ENOSPC
        self.assertRc(5, '--create', 'wd_dummy0')
        # partial success is reported
        del self.kernel.fail['/create']
        self.fs.write(path, '5\n')
        real_avail = {'n': 0}

        def two_then_full(p, v):
            real_avail['n'] += 1
            if real_avail['n'] > 2:
                raise OSError(fake_sysfs.errno.EUSERS, 'Too many users', p)
            real(p, v)
        with mock.patch.object(wdb, 'write_attr', two_then_full):
            self.assertRc(5, '--create', 'wd_dummy0', '-n', '4')
        self.assertEqual(len(self.created()), 2)
        self.assertIn('(after creating 2 of 4: %s)' % ' '.join(self.created()), self.err)

    def test_not_root(self):
        self.standard_tree()
        self.kernel.deny = True
        self.assertRc(3, '--create', 'wd_dummy1')
        self.assertIn("permission denied: creating a wd_dummy-memcpy queue on wd_dummy1 "
                      "needs root (or, with wd.ko's udev rule, membership in group "
                      "'wrapdrive')", self.err)

    def test_other_kernel_errors(self):
        self.standard_tree()
        self.kernel.fail['/create'] = fake_sysfs.errno.ENOMEM
        self.assertRc(1, '--create', 'wd_dummy1')
        self.kernel.fail['/create'] = fake_sysfs.errno.EINVAL
        self.assertRc(2, '--create', 'wd_dummy1')
        self.assertIn('the kernel refused the value', self.err)


# ---------------------------------------------------------------- remove --

class TestRemove(Base):
    def test_by_uuid(self):
        self.standard_tree()
        self.assertRc(0, '--remove', U2)
        self.assertEqual(self.out, 'removed %s (wd_dummy0 wd_dummy-memcpy)\n' % U2)
        self.assertFalse(self.fs.queue_exists(U2))
        self.assertTrue(self.fs.queue_exists(U1))
        self.assertEqual(self.status()['wd_dummy0']['types'][0]['available_instances'], 7)

    def test_uppercase_and_several(self):
        self.standard_tree()
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U3, os.getpid())
        self.assertRc(0, '--remove', U2.upper(), U3)
        self.assertFalse(self.fs.queue_exists(U2) or self.fs.queue_exists(U3))

    def test_all_of_device(self):
        self.standard_tree()
        self.fs.add_queue('hisi_sec0', 'hisi_sec-cipher', U3, os.getpid())
        self.fs.add_queue('hisi_sec0', 'hisi_sec-digest', U4, os.getpid())
        self.assertRc(0, '--remove', 'hisi_sec0:digest')
        self.assertEqual(self.out, 'removed %s (hisi_sec0 hisi_sec-digest)\n' % U4)
        self.assertRc(0, '--remove', 'hisi_sec0')
        self.assertEqual(self.out, 'removed %s (hisi_sec0 hisi_sec-cipher)\n' % U3)
        self.assertRc(0, '--remove', 'hisi_sec0')
        self.assertEqual(self.out, '')

    def test_open_queue(self):
        self.standard_tree()
        self.assertRc(6, '--remove', 'wd_dummy0')
        self.assertIn('queue %s is open by pid %d: removing it waits until that process '
                      'closes it; use --force' % (U1, os.getpid()), self.err)
        self.assertEqual(self.kernel.writes, [])     # nothing removed, not even U2
        self.assertRc(6, '--remove', U1)
        self.assertRc(0, '--remove', 'wd_dummy0', '--force')
        self.assertIn('queue %s is open: waiting until pid' % U1, self.err)
        self.assertFalse(self.fs.queue_exists(U1) or self.fs.queue_exists(U2))

    def test_errors(self):
        self.standard_tree()
        self.assertRc(4, '--remove', U5)
        self.assertIn('no such WrapDrive queue: %s' % U5, self.err)
        self.assertRc(2, '--remove', U5[:-1])
        self.assertIn('malformed UUID', self.err)
        self.assertRc(4, '--remove', 'wd_dummy9')
        self.assertRc(4, '--remove', 'wd_dummy0:sha1')
        self.assertRc(2, '--remove', U2, '--json')
        self.assertRc(2, '--remove')
        self.kernel.deny = True
        self.assertRc(3, '--remove', U2)
        self.assertIn('permission denied: removing queue %s needs root' % U2, self.err)
        self.kernel.deny = False
        self.kernel.fail['/remove'] = fake_sysfs.errno.EIO
        self.assertRc(1, '--remove', U2)

    def test_foreign_mdev(self):
        """An mdev of another driver (no WrapDrive type) is not ours."""
        self.standard_tree()
        self.fs.write('sys/devices/other/%s/remove' % U5, '')
        self.fs.link('sys/bus/mdev/devices/' + U5, 'sys/devices/other/' + U5)
        self.assertRc(4, '--remove', U5)


# ------------------------------------------------------------------- set --

class TestSet(Base):
    def attr(self, dev, a):
        return self.fs.read('%s/wrapdrive_dev/%s' % (self.fs.rel(self.fs.dev_dir(dev)), a))

    def test_device(self):
        self.standard_tree()
        self.assertRc(0, '--set', 'wd_dummy0', 'numa_zone_id=0', 'priority=55')
        self.assertEqual(self.out, 'wd_dummy0: numa_zone_id -1 -> 0\n'
                         'wd_dummy0: priority 10 -> 55\n')
        self.assertEqual((self.attr('wd_dummy0', 'numa_zone_id'),
                          self.attr('wd_dummy0', 'priority')), ('0\n', '55\n'))
        self.assertRc(0, '--set', 'wd_dummy0', 'priority=0')
        self.assertRc(0, '--set', 'wd_dummy0', 'priority=100', 'numa_zone_id=-1')
        d = self.status()['wd_dummy0']
        self.assertEqual((d['numa_node'], d['priority']), (-1, 100))

    def test_bad_values(self):
        self.standard_tree()
        for bad in ('priority=101', 'priority=-1', 'priority=abc', 'priority=0x10',
                    'priority=', 'priority= 5', 'numa_zone_id=1024', 'numa_zone_id=-2',
                    'numa_zone_id=1.5', 'bogus=1', 'priority', 'depth=16'):
            self.assertRc(2, '--set', 'wd_dummy0', bad)
        self.assertRc(2, '--set', 'wd_dummy0', 'priority=1', 'priority=2')
        self.assertIn('priority given twice', self.err)
        self.assertRc(2, '--set', 'wd_dummy0')
        self.assertIn('nothing to set on wd_dummy0', self.err)
        self.assertEqual(self.kernel.writes, [])
        # in range, but the kernel refuses an offline node
        self.assertRc(2, '--set', 'wd_dummy0', 'numa_zone_id=3')
        self.assertIn('setting numa_zone_id=3 on wd_dummy0: the kernel refused the value '
                      '(Invalid argument)', self.err)
        self.assertEqual(self.attr('wd_dummy0', 'numa_zone_id'), '-1\n')

    def test_errors(self):
        self.standard_tree()
        self.assertRc(4, '--set', 'wd_dummy9', 'priority=1')
        self.kernel.deny = True
        self.assertRc(3, '--set', 'wd_dummy0', 'priority=1')
        self.assertIn('permission denied: setting priority=1 on wd_dummy0 needs root',
                      self.err)

    def test_queue_depth(self):
        self.standard_tree()
        self.assertRc(0, '--set', U2, 'depth=64')
        self.assertEqual(self.out, '%s: depth 512 -> 64\n' % U2)
        self.assertEqual(self.fs.read('sys/bus/mdev/devices/%s/params/depth' % U2), '64\n')
        self.assertRc(2, '--set', U2, 'depth=48')
        self.assertIn('not a power of two', self.err)
        self.assertRc(2, '--set', U2, 'depth=8192')   # the kernel's range
        self.assertRc(2, '--set', U2, 'priority=1')
        self.assertRc(6, '--set', U1, 'depth=64')
        self.assertRc(4, '--set', U5, 'depth=64')


# ------------------------------------------------------------ bind/unbind --

class TestBind(Base):
    PAR = 'sys/devices/platform/HISI0200:00'

    def driver(self):
        return wdb.link_name(self.fs.path(self.PAR + '/driver'))

    def test_unbind_and_bind(self):
        self.standard_tree()
        self.assertRc(0, '--unbind', 'hisi_sec0')
        self.assertEqual(self.out, 'unbound HISI0200:00 from hisi_sec\n')
        self.assertIsNone(self.driver())
        self.assertRc(0, '--unbind', 'platform/HISI0200:00')
        self.assertIn('HISI0200:00 is not bound to any driver', self.err)
        self.assertRc(0, '--bind', 'hisi_sec', 'HISI0200:00')
        self.assertEqual(self.out, 'bound HISI0200:00 to hisi_sec\n')
        self.assertEqual(self.driver(), 'hisi_sec')
        self.assertEqual(self.fs.read(self.PAR + '/driver_override'), '(null)\n')
        self.assertIn((self.PAR + '/driver_override', 'hisi_sec'), self.kernel.writes)
        self.assertRc(0, '-b', 'hisi_sec', '/sys/devices/platform/HISI0200:00')
        self.assertIn('HISI0200:00 is already bound to hisi_sec', self.err)

    def test_rebind_to_other_driver(self):
        self.standard_tree()
        self.assertRc(0, '--bind', 'vfio-platform', 'hisi_sec0')
        self.assertEqual(self.out, 'unbound HISI0200:00 from hisi_sec\n'
                         'bound HISI0200:00 to vfio-platform\n')
        self.assertEqual(self.driver(), 'vfio-platform')

    def test_failed_bind_restores(self):
        self.standard_tree()
        self.kernel.broken_drivers.add('vfio-platform')
        self.assertRc(1, '--bind', 'vfio-platform', 'platform/HISI0200:00')
        self.assertIn('binding HISI0200:00 to vfio-platform: No such device', self.err)
        self.assertEqual(self.driver(), 'hisi_sec')
        self.assertEqual(self.fs.read(self.PAR + '/driver_override'), '(null)\n')

    def test_in_use(self):
        self.standard_tree()
        self.fs.add_queue('hisi_sec0', 'hisi_sec-cipher', U3, os.getpid(), 'open')
        self.fs.add_queue('hisi_sec0', 'hisi_sec-digest', U4, os.getpid())
        for argv in (('--unbind', 'hisi_sec0'), ('--bind', 'vfio-platform', 'hisi_sec0')):
            self.assertRc(6, *argv)
            self.assertIn('HISI0200:00 is in use: hisi_sec0 has 2 WrapDrive queue(s), 1 '
                          'open; unbinding removes them (and waits for open ones to be '
                          'closed); use --force', self.err)
            self.assertEqual(self.driver(), 'hisi_sec')
        self.assertEqual(self.kernel.writes, [])
        self.assertRc(0, '--unbind', 'hisi_sec0', '--force')
        self.assertIn('warning: HISI0200:00 is in use', self.err)
        self.assertIsNone(self.driver())

    def test_not_applicable(self):
        self.standard_tree()
        self.assertRc(7, '--unbind', 'wd_dummy0')
        self.assertIn('wd_dummy0 has no parent device on a bus (a software device)',
                      self.err)
        self.assertRc(7, '--bind', 'wd_dummy', 'wd_dummy0')
        self.assertRc(7, '--unbind', 'wd/wd_dummy0')
        self.assertRc(7, '--unbind', '/sys/devices/wd/wd_dummy0')
        self.assertIn('it is bound by wd.ko itself', self.err)
        self.fs.add_driver('platform', 'nobind', bindable=False)
        self.assertRc(7, '--bind', 'nobind', 'hisi_sec0')
        self.assertIn('driver nobind does not allow manual bind', self.err)
        self.assertEqual(self.kernel.writes, [])

    def test_errors(self):
        self.standard_tree()
        self.assertRc(4, '--bind', 'nosuchdrv', 'hisi_sec0')
        self.assertIn("no driver 'nosuchdrv' on bus platform (is its module loaded?)",
                      self.err)
        self.assertRc(4, '--bind', 'hisi_sec', 'nosuchdev')
        self.assertRc(4, '--unbind', 'platform/nosuchdev')
        self.assertRc(4, '--unbind', '/sys/devices/nosuchdev')
        self.assertRc(2, '--unbind', 'a/b/c')
        self.assertRc(2, '--bind', 'hisi_sec')
        self.assertIn('--bind DRIVER needs a device', self.err)
        # the same name on two buses
        self.fs.write('sys/devices/other/HISI0200:00/uevent', '')
        self.fs.link('sys/bus/acpi/devices/HISI0200:00', 'sys/devices/other/HISI0200:00')
        self.assertRc(2, '--unbind', 'HISI0200:00')
        self.assertIn('HISI0200:00 is ambiguous: say acpi/HISI0200:00 or '
                      'platform/HISI0200:00', self.err)
        self.assertEqual(self.kernel.writes, [])
        self.kernel.deny = True
        self.assertRc(3, '--unbind', 'hisi_sec0')
        self.assertIn('permission denied: unbinding HISI0200:00 from hisi_sec needs root',
                      self.err)
        self.assertRc(2, '--unbind', 'hisi_sec0', '--json')
        self.assertRc(2, '--status', '--force')


# ----------------------------------------------------------------- clean --

class TestClean(Base):
    def orphan_tree(self):
        self.standard_tree()        # U1 open, alive; U2 released, dead: orphan
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U3, self.dead, 'created')
        self.fs.add_queue('wd_dummy1', 'wd_dummy-memcpy', U4, self.dead, 'open')
        self.fs.add_queue('hisi_sec0', 'hisi_sec-chain', U5, 0, 'released')

    def test_clean(self):
        self.orphan_tree()
        self.assertRc(0, '--clean')
        self.assertEqual(self.out,
                         'removed %s (wd_dummy0 wd_dummy-memcpy, owner %d gone, released)\n'
                         'removed %s (wd_dummy1 wd_dummy-memcpy, owner %d gone, created)\n'
                         % (U2, self.dead, U3, self.dead))
        self.assertEqual(self.err, '')
        for u, alive in ((U1, True), (U2, False), (U3, False), (U4, True), (U5, True)):
            self.assertEqual(self.fs.queue_exists(u), alive, u)
        self.assertEqual(self.status()['wd_dummy0']['types'][0]['available_instances'], 7)
        # again: nothing to do, nothing printed
        self.assertRc(0, '--clean')
        self.assertEqual((self.out, self.err), ('', ''))

    def test_one_device_and_json(self):
        self.orphan_tree()
        self.assertRc(0, '--clean', 'wd_dummy1', '--json')
        doc = json.loads(self.out)
        check_schema(self, doc, CLEAN_SCHEMA)
        self.assertEqual([q['uuid'] for q in doc['removed']], [U3])
        self.assertEqual(doc['failed'], [])
        self.assertTrue(self.fs.queue_exists(U2))
        self.assertRc(4, '--clean', 'wd_dummy9')

    def test_nothing_loaded(self):
        os.rmdir(self.fs.path('sys/class/wd_dev'))
        self.assertRc(0, '--clean')
        self.assertEqual((self.out, self.err), ('', ''))

    def test_not_root(self):
        self.orphan_tree()
        self.kernel.deny = True
        self.assertEqual(self.run_tool('--clean'), 3)
        self.assertEqual(self.err.count('\n'), 2)
        self.assertIn('permission denied: removing queue %s needs root' % U2, self.err)
        self.assertEqual(self.run_tool('--clean', '--json'), 3)
        self.assertEqual(len(json.loads(self.out)['failed']), 2)

    def test_race(self):
        """Another cleaner removed the queue first; an owner reopened it."""
        self.orphan_tree()
        real = self.kernel

        def gone_first(p, v):
            if U2 in p:
                real(p, v)                  # the other cleaner
                raise OSError(fake_sysfs.errno.ENOENT, 'No such file or directory', p)
            real(p, v)
        orig_scan = wdb.scan_queue

        def reopened(u, dev, t):
            if u == U3:
                self.fs.write('sys/devices/wd/wd_dummy1/%s/params/state' % U3, 'open\n')
            return orig_scan(u, dev, t)
        with mock.patch.object(wdb, 'write_attr', gone_first), \
                mock.patch.object(wdb, 'scan_queue', reopened):
            self.assertRc(0, '--clean')
        self.assertEqual(self.out, '')
        self.assertTrue(self.fs.queue_exists(U3))

    def test_other_failure(self):
        self.orphan_tree()
        self.kernel.fail[U2 + '/remove'] = fake_sysfs.errno.EIO
        self.assertEqual(self.run_tool('--clean'), 1)
        self.assertIn('removed %s' % U3, self.out)     # went on after the failure
        self.assertIn('removing queue %s' % U2, self.err)


# ------------------------------------------------------------ subprocess --

class Cli(unittest.TestCase):
    def setUp(self):
        self.fs = FakeSysfs()
        self.addCleanup(self.fs.cleanup)
        self.fs.add_dev('wd_dummy0')

    def run_cli(self, *argv, env=None, **kw):
        e = {k: v for k, v in os.environ.items() if k not in ('WD_EMU', 'WD_LIBWD')}
        e['WD_SYSFS_ROOT'] = self.fs.root
        e.update(env or {})
        return subprocess.run([TOOL] + list(argv), env=e, capture_output=True,
                              text=True, timeout=60, **kw)


class TestCli(Cli):
    def test_executable_and_help(self):
        self.assertTrue(os.stat(TOOL).st_mode & stat.S_IXUSR)
        r = self.run_cli('--help')
        self.assertEqual((r.returncode, r.stderr), (0, ''))
        for word in ('--status', '--create DEV[:TYPE]', '--remove UUID|DEV[:TYPE]',
                     '--set DEV numa_zone_id=N priority=P', '--bind DRIVER DEV',
                     '--unbind DEV', '--clean', '--json', '--force', 'exit status:',
                     '3 permission denied', '5 no instances left', 'WD_SYSFS_ROOT',
                     'WD_EMU', 'WD_LIBWD'):
            self.assertIn(word, r.stdout)

    def test_status_and_json(self):
        r = self.run_cli()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('wd_dummy0  drv=wd_dummy', r.stdout)
        r = self.run_cli('--json')
        check_schema(self, json.loads(r.stdout), STATUS_SCHEMA)

    def test_errors_are_one_line(self):
        for argv, rc in ((('--create', 'nodev'), 4), (('--remove', U1), 4),
                         (('--set', 'wd_dummy0', 'priority=200'), 2),
                         (('--unbind', 'wd_dummy0'), 7), (('--bogus',), 2),
                         (('--create', 'wd_dummy0', '--remove', U1), 2)):
            r = self.run_cli(*argv)
            self.assertEqual(r.returncode, rc, argv)
            self.assertEqual(r.stdout, '')
            self.assertNotIn('Traceback', r.stderr)
            self.assertTrue(r.stderr.strip(), argv)

    def test_create_writes_uuid(self):
        """A plain tree (no fake kernel): the UUID lands in create."""
        r = self.run_cli('--create', 'wd_dummy0')
        self.assertEqual(r.returncode, 0, r.stderr)
        t = self.fs.type_dir('wd_dummy0', 'wd_dummy-memcpy')
        self.assertEqual(self.fs.read(t + '/create'), r.stdout.strip())

    def test_not_root(self):
        """A real permission error: run as nobody (if root) on a tree whose
        attributes are root-only, as wd.ko makes them."""
        t = self.fs.path(self.fs.type_dir('wd_dummy0', 'wd_dummy-memcpy'))
        os.chmod(t + '/create', 0o200)
        prio = self.fs.path('sys/devices/wd/wd_dummy0/wrapdrive_dev/priority')
        os.chmod(prio, 0o644)
        kw = {}
        if os.geteuid() == 0:
            for dirpath, dirs, files in os.walk(self.fs.root):
                os.chmod(dirpath, 0o755)
            kw = {'user': 65534, 'group': 65534, 'extra_groups': []}
        else:
            os.chmod(t + '/create', 0o400)
            os.chmod(prio, 0o444)
        r = self.run_cli('--create', 'wd_dummy0', **kw)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertRegex(r.stderr, r'\Awd-devbind.py: error: permission denied: creating a '
                         r'wd_dummy-memcpy queue on wd_dummy0 needs root [^\n]*\n\Z')
        r = self.run_cli('--set', 'wd_dummy0', 'priority=5', **kw)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn('needs root', r.stderr)
        r = self.run_cli('--status', **kw)
        self.assertEqual(r.returncode, 0, r.stderr)


@unittest.skipUnless(LIBWD_OK, 'libwd (%s) cannot be loaded' % libwd_path())
class TestEmulated(Cli):
    def emu(self, *argv, spec='wd_dummy_v1:2:queues=4:priority=70', **env):
        env.setdefault('WD_LIBWD', libwd_path())
        return self.run_cli(*argv, env=dict(env, WD_EMU=spec))

    def test_status(self):
        r = self.emu()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('Emulated devices (WD_EMU=wd_dummy_v1:2:queues=4:priority=70)',
                      r.stdout)
        self.assertIn('as libwd (%s) sees them' % libwd_path(), r.stdout)
        self.assertIn('wd_dummy1  numa_zone_id=-1  priority=70  (emulated, in-process)\n'
                      '    wd_dummy-memcpy  name=memcpy  device_api=wd_dummy_v1  flags=0x0 '
                      '(none)  instances 4/4 free', r.stdout)
        # the real device is listed apart
        self.assertLess(r.stdout.index('wd_dummy0  drv=wd_dummy'),
                        r.stdout.index('Emulated'))

    def test_json(self):
        r = self.emu('--json', spec='wd_dummy_v1:1:numa=1:share_all=1')
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        check_schema(self, doc, STATUS_SCHEMA)
        self.assertEqual(doc['libwd']['wd_emu'], 'wd_dummy_v1:1:numa=1:share_all=1')
        self.assertEqual(doc['libwd']['path'], libwd_path())
        self.assertIsNone(doc['libwd']['error'])
        emu = [d for d in doc['devices'] if d['emulated']]
        self.assertEqual(len(emu), 1)
        d = emu[0]
        self.assertEqual((d['name'], d['numa_node'], d['priority'], d['driver'],
                          d['parent'], d['usable']), ('wd_dummy0', 1, 50, None, None, True))
        self.assertEqual((d['types'][0]['flags'], d['types'][0]['flag_names'],
                          d['types'][0]['queues']), (1, ['share_all'], []))

    def test_sec_types(self):
        # the emulated SEC offers the kernel engine's three types, one count
        r = self.emu('--json', spec='hisi_sec_v1:1:queues=4')
        self.assertEqual(r.returncode, 0, r.stderr)
        emu = [d for d in json.loads(r.stdout)['devices'] if d['emulated']]
        self.assertEqual([(t['type'], t['name'], t['device_api'], t['available_instances'])
                          for d in emu for t in d['types']],
                         [('hisi_sec-cipher', 'cipher', 'hisi_sec_v1', 4),
                          ('hisi_sec-digest', 'digest', 'hisi_sec_v1', 4),
                          ('hisi_sec-chain', 'chain', 'hisi_sec_v1', 4)])

    def test_bad_spec(self):
        r = self.emu(spec='wd_dummy_v1:99')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('libwd error: WD_EMU', r.stdout)
        r = self.emu('--json', spec='nosuchmodel')
        doc = json.loads(r.stdout)
        self.assertEqual([d['emulated'] for d in doc['devices']], [False])
        self.assertTrue(any('nosuchmodel' in m for m in doc['libwd']['messages']))

    def test_no_libwd(self):
        r = self.emu(WD_LIBWD='/nonexistent/libwd.so.0')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('unknown: cannot load libwd: /nonexistent/libwd.so.0', r.stdout)
        r = self.emu('--json', WD_LIBWD='/nonexistent/libwd.so.0')
        self.assertIn('cannot load libwd', json.loads(r.stdout)['libwd']['error'])
        r = self.emu('--create', 'wd_dummy1', WD_LIBWD='/nonexistent/libwd.so.0')
        self.assertEqual(r.returncode, 4)
        self.assertIn('WD_EMU is set but cannot load libwd', r.stderr)

    def test_commands_do_not_apply(self):
        for argv in (('--create', 'wd_dummy1'), ('--remove', 'wd_dummy1'),
                     ('--set', 'wd_dummy1', 'priority=1'), ('--clean', 'wd_dummy1'),
                     ('--unbind', 'wd_dummy1')):
            r = self.emu(*argv)
            self.assertEqual(r.returncode, 7, (argv, r.stderr))
            self.assertRegex(r.stderr, r'\Awd-devbind.py: error: wd_dummy1 is an emulated '
                             r'device \(WD_EMU\): it lives inside each process that uses '
                             r'it, so --\S+ does not apply\n\Z')
        # a real device of the same name wins
        r = self.emu('--create', 'wd_dummy0')
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.emu('--clean')
        self.assertEqual((r.returncode, r.stdout), (0, ''))
        self.assertIn('emulated devices (WD_EMU) have no orphans', r.stderr)


class TestDocs(unittest.TestCase):
    """The guide and the man page cover every option and exit status."""
    GUIDE = os.path.join(TOP, 'doc', 'guides', 'usertools.rst')
    MAN = os.path.join(TOP, 'doc', 'man', 'wd-devbind.8')

    def test_options_and_exit_codes(self):
        with open(self.GUIDE) as f:
            guide = f.read()
        with open(self.MAN) as f:
            man = f.read().replace('\\-', '-')
        opts = [o for a in wdb.build_parser()._actions for o in a.option_strings]
        codes = {v: k for k, v in vars(wdb).items() if k.startswith('EXIT_')}
        self.assertEqual(sorted(codes), list(range(8)))
        for o in opts:
            self.assertTrue(o in man, 'man page misses ' + o)
            if o.startswith('--') and o != '--help':
                self.assertTrue(o in guide, 'guide misses ' + o)
        for c in codes:
            self.assertRegex(guide, r'\n%d  \S' % c)
            self.assertIn('.B %d\n' % c, man)

    @unittest.skipUnless(shutil.which('man') and shutil.which('groff'), 'no man/groff')
    def test_man_renders(self):
        r = subprocess.run(['man', '--warnings', '-l', self.MAN], capture_output=True,
                           text=True, timeout=60,
                           env=dict(os.environ, MANWIDTH='80', MANPAGER='cat', PAGER='cat'))
        self.assertEqual((r.returncode, r.stderr), (0, ''))
        self.assertIn('wd-devbind.py - see, create, remove', r.stdout)


if __name__ == '__main__':
    unittest.main()
