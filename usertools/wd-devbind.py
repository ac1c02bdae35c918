#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""See, create, remove, bind and clean WrapDrive accelerator queues.

WrapDrive devices are registered by wd.ko in /sys/class/wd_dev; each of
their mdev types (algorithms) creates queues, which are VFIO mediated
devices under /sys/bus/mdev/devices/<uuid>. This tool is the WrapDrive
counterpart of dpdk-devbind.py; doc/guides/usertools.rst and the man page
wd-devbind(8) describe every command, the JSON schema and the exit codes.

Standard library only. Environment: WD_SYSFS_ROOT (prefix of /sys, as in
libwd), WD_EMU (emulated devices, listed through libwd), WD_LIBWD (path
of the libwd.so.0 to load for them).
"""

import argparse
import ctypes
import errno
import json
import os
import re
import sys
import uuid as uuidlib

PROG = 'wd-devbind.py'

# Exit codes (documented in --help, the guide and the man page).
EXIT_OK = 0         # done (also: nothing to do)
EXIT_FAIL = 1       # an operation failed (kernel error, unreadable sysfs)
EXIT_USAGE = 2      # bad command line or bad value
EXIT_PERM = 3       # permission denied: needs root (or the wrapdrive group)
EXIT_NODEV = 4      # no such device, type, queue or driver
EXIT_NOSPC = 5      # no instances left
EXIT_BUSY = 6       # in use: refused without --force, or the kernel said EBUSY
EXIT_NOTAPPLY = 7   # the command does not apply to this device

JSON_VERSION = 1

# WD_CAPA_* bits of a type's flags (kmod/include/uapi/wd_uapi.h).
FLAG_NAMES = ((1 << 0, 'share_all'), (1 << 1, 'allow_legacy'))

# Limits libwd and wd.ko apply (wd.h, wd_uapi.h, wd_sysfs.c).
NAME_MAX = 64           # WD_NAME_MAX, including the NUL
MAX_TYPES = 8           # WD_MAX_TYPES
NUMA_MIN, NUMA_MAX = -1, 1023
PRIO_MIN, PRIO_MAX = 0, 100
AVAIL_MAX = 1 << 20
DEPTH_MIN, DEPTH_MAX = 1, 1 << 20
COUNT_MAX = 1024

_NAME_RE = re.compile(r'[A-Za-z0-9_.:-]+\Z')
_LONG_RE = re.compile(r'[+-]?[0-9]+\Z')
_U32_RE = re.compile(r'(0[xX][0-9a-fA-F]+|[0-9]+)\Z')
_UUID_RE = re.compile(r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
                      r'[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
_SYSFS_NAME_RE = re.compile(r'[^/\s]+\Z')

GROUP_HINT = ("needs root (or, with wd.ko's udev rule, membership in group "
              "'wrapdrive')")


class WdError(Exception):
    """An error that ends the command with one line and an exit code."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def note(msg):
    print('%s: %s' % (PROG, msg), file=sys.stderr)


# ---------------------------------------------------------------- sysfs --

def sysfs_root():
    """The prefix of /sys, as libwd's wd_sysfs_root(): "" means "/"."""
    r = os.environ.get('WD_SYSFS_ROOT')
    if r is None or r == '/':
        return ''
    return r


def class_dir():
    return sysfs_root() + '/sys/class/wd_dev'


def mdev_dir(uuid):
    return sysfs_root() + '/sys/bus/mdev/devices/' + uuid


def sys_path(path):
    """A real path shown as it is in /sys (the root override removed)."""
    root = sysfs_root()
    if root:
        rroot = os.path.realpath(root)
        if path == rroot or path.startswith(rroot + '/'):
            return path[len(rroot):] or '/'
    return path


def read_attr(path):
    """The content of a sysfs attribute, or None if it cannot be read."""
    try:
        with open(path, 'rb') as f:
            return f.read(4096).decode('utf-8', 'replace')
    except OSError:
        return None


def write_attr(path, value):
    """Write @value to a sysfs attribute in one write(), as libwd does.

    Never creates the file. Raises OSError with the kernel's errno.
    """
    data = value.encode()
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC)
    try:
        n = os.write(fd, data)
    finally:
        os.close(fd)
    if n != len(data):
        raise OSError(errno.EIO, 'short write', path)


def link_name(path):
    """Last component of the target of symlink @path, or None."""
    if not os.path.islink(path):
        return None
    return os.path.basename(os.path.realpath(path))


def listdir(path):
    try:
        return sorted(e for e in os.listdir(path) if not e.startswith('.'))
    except OSError:
        return None


# ------------------------------------------ parsers (as lib/wd/wd_parse.c) --

def parse_long(s, lo, hi):
    """Decimal integer in [lo, hi] with optional trailing blanks, or a
    ValueError saying why (libwd's wd_parse_long)."""
    if s is None:
        raise ValueError('missing')
    t = s.rstrip()
    if not t or len(t) >= 32 or not _LONG_RE.match(t):
        raise ValueError("not a decimal integer: '%s'" % printable(s))
    v = int(t, 10)
    if v < lo or v > hi:
        raise ValueError('%d is outside %d..%d' % (v, lo, hi))
    return v


def parse_u32(s):
    """Decimal or 0x-hex 32-bit value (libwd's wd_parse_u32)."""
    if s is None:
        raise ValueError('missing')
    t = s.rstrip()
    if not t or len(t) >= 32 or not _U32_RE.match(t):
        raise ValueError("not a decimal or 0x-hex number: '%s'" % printable(s))
    v = int(t, 16) if t[:2] in ('0x', '0X') else int(t, 10)
    if v > 0xffffffff:
        raise ValueError('%s does not fit in 32 bits' % t)
    return v


def parse_name(s):
    """A device, type or API name (libwd's wd_parse_name)."""
    if s is None:
        raise ValueError('missing')
    t = s[:-1] if s.endswith('\n') else s
    if not t:
        raise ValueError('empty')
    if len(t) >= NAME_MAX:
        raise ValueError('longer than %d characters' % (NAME_MAX - 1))
    if not _NAME_RE.match(t):
        raise ValueError("bad characters in '%s'" % printable(s))
    return t


def printable(s):
    s = s.split('\n', 1)[0]
    return s if len(s) <= 40 else s[:40] + '...'


def uuid_valid(s):
    return bool(_UUID_RE.match(s))


def flag_names(flags):
    """Names of the WD_CAPA_* bits in @flags; unknown bits as bitN."""
    names = [n for b, n in FLAG_NAMES if flags & b]
    known = 0
    for b, _ in FLAG_NAMES:
        known |= b
    names += ['bit%d' % i for i in range(32) if flags & ~known & (1 << i)]
    return names


# --------------------------------------------------------------- scanning --

def pid_alive(pid):
    """True/False for a pid; None when it cannot be judged (pid 0: owner
    not visible in this pid namespace). Like libwd: only ESRCH is dead."""
    if pid is None or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scan_queue(uuid, dev, tname):
    """A queue (mdev) as it is now; keys as in the JSON schema."""
    params = mdev_dir(uuid) + '/params/'
    q = {'uuid': uuid, 'device': dev, 'type': tname, 'owner': None,
         'owner_alive': None, 'state': None, 'depth': None, 'orphan': False}
    try:
        q['owner'] = parse_long(read_attr(params + 'owner'), 0, 2**31 - 1)
    except ValueError:
        pass
    state = read_attr(params + 'state')
    if state is not None:
        q['state'] = state.strip()
    try:
        q['depth'] = parse_long(read_attr(params + 'depth'), 0, 2**31 - 1)
    except ValueError:
        pass
    q['owner_alive'] = pid_alive(q['owner'])
    q['orphan'] = is_orphan(q)
    return q


def is_orphan(q):
    """libwd's rule (wd_sysfs.c is_orphan): an owner pid >= 1 that is gone
    (ESRCH), and a state that can be read and is not "open"."""
    return (q['owner'] is not None and q['owner'] >= 1 and
            q['owner_alive'] is False and q['state'] is not None and
            not q['state'].startswith('open'))


def scan_type(dev, ddir, tname, problems):
    """One mdev type of a device; appends to @problems what makes libwd
    skip the device."""
    tdir = '%s/mdev_supported_types/%s' % (ddir, tname)
    t = {'type': tname, 'name': None, 'device_api': None, 'flags': None,
         'flag_names': [], 'available_instances': None,
         'max_instances': None, 'queues': []}
    try:
        parse_name(tname)
    except ValueError as e:
        problems.append('type directory %s: %s' % (tname, e))
    for key, attr in (('name', 'name'), ('device_api', 'device_api')):
        raw = read_attr(tdir + '/' + attr)
        try:
            t[key] = parse_name(raw)
        except ValueError as e:
            problems.append('%s/%s: %s' % (tname, attr, e))
            if raw is not None:
                t[key] = printable(raw)
    try:
        t['flags'] = parse_u32(read_attr(tdir + '/flags'))
        t['flag_names'] = flag_names(t['flags'])
    except ValueError as e:
        problems.append('%s/flags: %s' % (tname, e))
    try:
        t['available_instances'] = parse_long(
            read_attr(tdir + '/available_instances'), 0, AVAIL_MAX)
    except ValueError as e:
        problems.append('%s/available_instances: %s' % (tname, e))
    for u in listdir(tdir + '/devices') or []:
        if uuid_valid(u):
            t['queues'].append(scan_queue(u, dev, tname))
    return t


def device_parent(ddir):
    """The device a WrapDrive device hangs off: its `device` link (a class
    device), else the directory above it in /sys/devices. None for fake
    trees without a /sys/devices hierarchy."""
    if os.path.islink(ddir + '/device'):
        p = os.path.realpath(ddir + '/device')
    else:
        p = os.path.dirname(os.path.realpath(ddir))
    devroot = os.path.realpath(sysfs_root() + '/sys/devices')
    if not p.startswith(devroot + '/'):
        return None
    return p


def device_info(path):
    """name, bus, driver and /sys path of a device directory."""
    return {'name': os.path.basename(path),
            'path': sys_path(path),
            'bus': link_name(path + '/subsystem'),
            'driver': link_name(path + '/driver')}


def scan_device(name):
    """A device of /sys/class/wd_dev; keys as in the JSON schema."""
    ddir = class_dir() + '/' + name
    problems = []
    d = {'name': name, 'emulated': False, 'driver': None, 'parent': None,
         'numa_node': None, 'priority': None, 'max_queues': None,
         'usable': True, 'problems': problems, 'types': []}
    try:
        parse_name(name)
    except ValueError as e:
        problems.append('device name: %s' % e)
    d['driver'] = link_name(ddir + '/driver') or link_name(ddir + '/device/driver')
    parent = device_parent(ddir)
    if parent is not None:
        d['parent'] = device_info(parent)
    sub = ddir + '/wrapdrive_dev/'
    for key, attr, lo, hi in (('numa_node', 'numa_zone_id', NUMA_MIN, NUMA_MAX),
                              ('priority', 'priority', PRIO_MIN, PRIO_MAX)):
        try:
            d[key] = parse_long(read_attr(sub + attr), lo, hi)
        except ValueError as e:
            problems.append('wrapdrive_dev/%s: %s' % (attr, e))
    try:
        d['max_queues'] = parse_long(read_attr(sub + 'max_queues'), 0, AVAIL_MAX)
    except ValueError:
        pass    # optional
    types = listdir(ddir + '/mdev_supported_types')
    if types is None:
        problems.append('no mdev_supported_types directory')
    elif not types:
        problems.append('no mdev_supported_types')
    for tname in types or []:
        d['types'].append(scan_type(name, ddir, tname, problems))
    if len(d['types']) > MAX_TYPES:
        problems.append('more than %d types: libwd ignores the rest' % MAX_TYPES)
    nq = sum(len(t['queues']) for t in d['types'])
    for t in d['types']:
        if t['available_instances'] is None:
            continue
        if d['max_queues'] is not None:
            t['max_instances'] = d['max_queues']
        else:
            t['max_instances'] = t['available_instances'] + len(t['queues'])
    d['queues_total'] = nq
    # libwd skips a device for any problem but the "more than 8 types" one
    d['usable'] = not any(not p.startswith('more than') for p in problems)
    return d


def device_names():
    """Names in /sys/class/wd_dev (None if it does not exist)."""
    cdir = class_dir()
    if not os.path.isdir(cdir):
        return None
    try:
        return sorted(e for e in os.listdir(cdir) if not e.startswith('.'))
    except OSError as e:
        raise WdError(EXIT_PERM if e.errno in (errno.EACCES, errno.EPERM)
                      else EXIT_FAIL, 'cannot list %s: %s' % (cdir, e.strerror))


def scan_all():
    return [scan_device(n) for n in device_names() or []]


def find_device(name):
    """The sysfs device @name, or None."""
    if not name or not _SYSFS_NAME_RE.match(name) or name in ('.', '..'):
        return None
    if not os.path.isdir(class_dir() + '/' + name):
        return None
    return scan_device(name)


def find_queue(uuid):
    """(queue, device) of a WrapDrive queue by UUID, or (None, None)."""
    uuid = uuid.lower()
    for d in scan_all():
        for t in d['types']:
            for q in t['queues']:
                if q['uuid'].lower() == uuid:
                    return q, d
    return None, None


# ------------------------------------------------ emulated devices (libwd) --

class _TypeInfo(ctypes.Structure):
    _fields_ = [('type', ctypes.c_char * NAME_MAX),
                ('name', ctypes.c_char * NAME_MAX),
                ('device_api', ctypes.c_char * NAME_MAX),
                ('flags', ctypes.c_uint32),
                ('available', ctypes.c_int)]


class _DevInfo(ctypes.Structure):
    _fields_ = [('name', ctypes.c_char * NAME_MAX),
                ('numa_node', ctypes.c_int),
                ('priority', ctypes.c_int),
                ('emulated', ctypes.c_int),
                ('nb_types', ctypes.c_uint),
                ('types', _TypeInfo * MAX_TYPES)]


_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p)
_LOG_LEVELS = {1: 'error', 2: 'warning', 3: 'info', 4: 'debug'}


def libwd_candidates():
    """Where libwd is looked for: $WD_LIBWD alone if set, else the build
    tree next to this script, else the system's libwd.so.0."""
    env = os.environ.get('WD_LIBWD')
    if env:
        return [env]
    top = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    built = os.path.join(top, 'build', 'lib', 'wd', 'libwd.so.0')
    return ([built] if os.path.exists(built) else []) + ['libwd.so.0']


def load_libwd():
    """(library, path) or raise OSError saying why it could not load."""
    errors = []
    for path in libwd_candidates():
        try:
            lib = ctypes.CDLL(path)
            lib.wd_scan.argtypes = [ctypes.POINTER(ctypes.POINTER(_DevInfo))]
            lib.wd_scan.restype = ctypes.c_int
            lib.wd_free_scan.argtypes = [ctypes.POINTER(_DevInfo)]
            lib.wd_free_scan.restype = None
            lib.wd_set_log_fn.argtypes = [_LOG_FN]
            lib.wd_set_log_fn.restype = None
            return lib, path
        except (OSError, AttributeError) as e:
            errors.append(str(e))
    raise OSError('; '.join(errors))


_emu_cache = {}


def emulated_scan():
    """Emulated devices as libwd sees them with this WD_EMU, and what
    libwd said. Returns (devices, info); info as the JSON "libwd" object.
    Without WD_EMU, libwd is not loaded at all."""
    spec = os.environ.get('WD_EMU') or None
    key = (spec, os.environ.get('WD_LIBWD'), sysfs_root())
    if key in _emu_cache:
        return _emu_cache[key]
    info = {'wd_emu': spec, 'path': None, 'error': None, 'messages': []}
    devs = []
    if spec is not None:
        try:
            lib, info['path'] = load_libwd()
        except OSError as e:
            info['error'] = 'cannot load libwd: %s' % e
        else:
            devs = _libwd_scan(lib, info)
    _emu_cache[key] = (devs, info)
    return devs, info


def _libwd_scan(lib, info):
    msgs = info['messages']
    try:    # a log sink gets every level: filter as libwd's own stderr does
        threshold = parse_long(os.environ.get('WD_LOG_LEVEL'), 1, 4)
    except ValueError:
        threshold = 2

    def sink(level, msg):
        if level <= threshold:
            msgs.append('%s: %s' % (_LOG_LEVELS.get(level, 'log'),
                                    msg.decode('utf-8', 'replace')))

    fn = _LOG_FN(sink)
    lib.wd_set_log_fn(fn)
    arr = ctypes.POINTER(_DevInfo)()
    try:
        n = lib.wd_scan(ctypes.byref(arr))
    finally:
        lib.wd_set_log_fn(_LOG_FN())
    if n < 0:
        info['error'] = 'wd_scan() failed: %s' % os.strerror(-n)
        return []
    devs = []
    for i in range(n):
        di = arr[i]
        if not di.emulated:
            continue
        d = {'name': di.name.decode(), 'emulated': True, 'driver': None,
             'parent': None, 'numa_node': di.numa_node,
             'priority': di.priority, 'max_queues': None, 'usable': True,
             'problems': [], 'types': [], 'queues_total': 0}
        for j in range(min(di.nb_types, MAX_TYPES)):
            ti = di.types[j]
            d['types'].append({
                'type': ti.type.decode(), 'name': ti.name.decode(),
                'device_api': ti.device_api.decode(), 'flags': ti.flags,
                'flag_names': flag_names(ti.flags),
                'available_instances': ti.available,
                'max_instances': ti.available, 'queues': []})
        devs.append(d)
    lib.wd_free_scan(arr)
    return devs


def not_in_sysfs(name, command):
    """The error for a device that is not in sysfs: "does not apply" for an
    emulated device, else "no such device"."""
    if os.environ.get('WD_EMU'):
        devs, info = emulated_scan()
        if any(d['name'] == name for d in devs):
            return WdError(EXIT_NOTAPPLY,
                           '%s is an emulated device (WD_EMU): it lives inside each '
                           'process that uses it, so %s does not apply' % (name, command))
        if info['error']:
            return WdError(EXIT_NODEV,
                           'no such device: %s (not in %s; WD_EMU is set but %s)'
                           % (name, sys_path(class_dir()), info['error']))
    return WdError(EXIT_NODEV, 'no such device: %s (not in %s)'
                   % (name, sys_path(class_dir())))


# ----------------------------------------------------------------- errors --

def os_error(e, what, needs=GROUP_HINT):
    """A WdError for an OSError from a sysfs write."""
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WdError(EXIT_PERM, 'permission denied: %s %s' % (what, needs))
    if e.errno in (errno.EUSERS, errno.ENOSPC):
        return WdError(EXIT_NOSPC, '%s: no instances left (%s)'
                       % (what, os.strerror(e.errno)))
    if e.errno == errno.ENOENT:
        return WdError(EXIT_NODEV, '%s: %s is gone' % (what, e.filename or 'it'))
    if e.errno == errno.EBUSY:
        return WdError(EXIT_BUSY, '%s: device or resource busy' % what)
    if e.errno in (errno.EINVAL, errno.ERANGE):
        return WdError(EXIT_USAGE, '%s: the kernel refused the value (%s)'
                       % (what, os.strerror(e.errno)))
    return WdError(EXIT_FAIL, '%s: %s' % (what, e.strerror or e))


# --------------------------------------------------------------- --status --

def status_json(devs, info):
    return {'version': JSON_VERSION,
            'sysfs_root': sysfs_root() or '/',
            'class_present': os.path.isdir(class_dir()),
            'devices': devs,
            'libwd': info}


def fmt_flags(t):
    if t['flags'] is None:
        return 'flags=?'
    names = ','.join(t['flag_names']) or 'none'
    return 'flags=0x%x (%s)' % (t['flags'], names)


def fmt_val(v):
    return '?' if v is None else str(v)


def print_device(d):
    head = [d['name']]
    if not d['emulated']:
        head.append('drv=%s' % (d['driver'] or '-'))
    head.append('numa_zone_id=%s' % fmt_val(d['numa_node']))
    head.append('priority=%s' % fmt_val(d['priority']))
    if d['max_queues'] is not None:
        head.append('max_queues=%d' % d['max_queues'])
    if d['emulated']:
        head.append('(emulated, in-process)')
    print('  '.join(head))
    p = d['parent']
    if p is not None:
        if p['bus']:
            print('    parent %s bus=%s drv=%s'
                  % (p['path'], p['bus'], p['driver'] or '-'))
        else:
            print('    parent %s (not on a bus: software device)' % p['path'])
    if not d['usable']:
        print('    SKIPPED by libwd:')
    for prob in d['problems']:
        print('      %s' % prob)
    for t in d['types']:
        avail = t['available_instances']
        inst = ('instances %s/%s free' % (fmt_val(avail), fmt_val(t['max_instances'])))
        print('    %s  name=%s  device_api=%s  %s  %s'
              % (t['type'], fmt_val(t['name']), fmt_val(t['device_api']),
                 fmt_flags(t), inst))
        for q in t['queues']:
            if q['owner'] is None:
                owner = 'owner=?'
            elif q['owner_alive'] is None:
                owner = 'owner=%d (not visible here)' % q['owner']
            else:
                owner = 'owner=%d (%s)' % (q['owner'],
                                           'alive' if q['owner_alive'] else 'gone')
            line = '      %s  state=%s  %s  depth=%s' % (
                q['uuid'], fmt_val(q['state']), owner, fmt_val(q['depth']))
            if q['orphan']:
                line += '  ORPHAN (--clean removes it)'
            print(line)


def cmd_status(args):
    names = device_names()
    devs = [scan_device(n) for n in names or []]
    edevs, info = emulated_scan()
    if args.operands:
        want = set(args.operands)
        devs = [d for d in devs if d['name'] in want]
        edevs = [d for d in edevs if d['name'] in want]
        missing = want - {d['name'] for d in devs + edevs}
        if missing:
            raise not_in_sysfs(sorted(missing)[0], '--status')
    if args.json:
        json.dump(status_json(devs + edevs, info), sys.stdout, indent=2)
        print()
        return EXIT_OK
    title = 'WrapDrive devices (%s)' % sys_path(class_dir())
    print(title)
    print('=' * len(title))
    if names is None:
        print('none: %s does not exist (is wd.ko loaded?)' % sys_path(class_dir()))
    elif not devs:
        print('none')
    for d in devs:
        print_device(d)
    if info['wd_emu'] is None:
        return EXIT_OK
    print()
    title = 'Emulated devices (WD_EMU=%s)' % info['wd_emu']
    print(title)
    print('=' * len(title))
    if info['error']:
        print('unknown: %s' % info['error'])
    else:
        print('as libwd (%s) sees them; their queues live inside each process'
              % info['path'])
        if not edevs:
            print('none')
    for d in edevs:
        print_device(d)
    for m in info['messages']:
        print('libwd %s' % m)
    return EXIT_OK


# --------------------------------------------------------------- --create --

def split_spec(spec):
    """DEV[:TYPE] -> (DEV, TYPE or None). Device names may hold ':' too:
    the longest prefix that names an existing device wins."""
    cuts = [len(spec)] + [i for i in range(len(spec) - 1, 0, -1) if spec[i] == ':']
    for i in cuts:
        dev = spec[:i]
        if _SYSFS_NAME_RE.match(dev) and dev not in ('.', '..') and \
                os.path.isdir(class_dir() + '/' + dev):
            return dev, (spec[i + 1:] if i < len(spec) else None)
    dev, sep, typ = spec.partition(':')
    return dev, (typ if sep else None)


def pick_type(d, typ):
    """The type of device @d named @typ (its directory name, the part
    after "<drv>-", or its algorithm name); the only one if @typ is None."""
    types = d['types']
    names = ', '.join(t['type'] for t in types) or 'none'
    if typ is None:
        if len(types) == 1:
            return types[0]
        if not types:
            raise WdError(EXIT_NODEV, '%s has no types' % d['name'])
        raise WdError(EXIT_USAGE, '%s has several types (%s): say %s:TYPE'
                      % (d['name'], names, d['name']))
    for match in (lambda t: t['type'] == typ,
                  lambda t: t['type'].split('-', 1)[-1] == typ,
                  lambda t: t['name'] == typ):
        found = [t for t in types if match(t)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise WdError(EXIT_USAGE, "type '%s' of %s is ambiguous (%s)"
                          % (typ, d['name'], ', '.join(t['type'] for t in found)))
    raise WdError(EXIT_NODEV, "no such type '%s' on %s (it has: %s)"
                  % (typ, d['name'], names))


def cmd_create(args):
    if args.operands:
        raise WdError(EXIT_USAGE, 'unexpected arguments: %s' % ' '.join(args.operands))
    n = 1 if args.count is None else args.count
    dev, typ = split_spec(args.create)
    d = find_device(dev)
    if d is None:
        raise not_in_sysfs(dev, '--create')
    t = pick_type(d, typ)
    tdir = '%s/%s/mdev_supported_types/%s' % (class_dir(), d['name'], t['type'])
    avail = t['available_instances']
    if avail is not None and avail < n:
        raise WdError(EXIT_NOSPC, '%s %s: no instances left (available_instances %d, '
                      'asked for %d)' % (d['name'], t['type'], avail, n))
    created = []
    try:
        for _ in range(n):
            u = str(uuidlib.uuid4())
            try:
                write_attr(tdir + '/create', u)
            except OSError as e:
                raise os_error(e, 'creating a %s queue on %s' % (t['type'], d['name']))
            created.append(u)
            if not args.json:
                print(u, flush=True)
    except WdError as e:
        if created:
            e.args = ('%s (after creating %d of %d: %s)' % (e, len(created), n,
                                                            ' '.join(created)),)
        raise
    finally:
        if args.json:
            json.dump({'version': JSON_VERSION, 'device': d['name'],
                       'type': t['type'], 'created': created}, sys.stdout, indent=2)
            print()
    return EXIT_OK


# --------------------------------------------------------------- --remove --

def remove_queue(q, force):
    """Write 1 to the queue's remove; False if it was already gone."""
    is_open = q['state'] is not None and q['state'].startswith('open')
    if is_open and not force:
        raise WdError(EXIT_BUSY, 'queue %s is open by pid %s: removing it waits until '
                      'that process closes it; use --force to do it anyway'
                      % (q['uuid'], fmt_val(q['owner'])))
    if is_open:
        note('queue %s is open: waiting until pid %s closes it'
             % (q['uuid'], fmt_val(q['owner'])))
    try:
        write_attr(mdev_dir(q['uuid']) + '/remove', '1')
    except OSError as e:
        if e.errno == errno.ENOENT and not os.path.exists(mdev_dir(q['uuid'])):
            return False    # removed meanwhile (e.g. by another --clean)
        raise os_error(e, 'removing queue %s' % q['uuid'])
    return True


def cmd_remove(args):
    targets = [args.remove] + args.operands
    todo = []
    for tgt in targets:
        if uuid_valid(tgt):
            q, _ = find_queue(tgt)
            if q is None:
                raise WdError(EXIT_NODEV, 'no such WrapDrive queue: %s' % tgt)
            todo.append(q)
            continue
        dev, typ = split_spec(tgt)
        d = find_device(dev)
        if d is None:
            if re.match(r'[0-9a-fA-F]{8}-', tgt):
                raise WdError(EXIT_USAGE, 'malformed UUID: %s' % tgt)
            raise not_in_sysfs(dev, '--remove')
        types = [pick_type(d, typ)] if typ is not None else d['types']
        todo += [q for t in types for q in t['queues']]
    # refuse before removing anything
    busy = [q for q in todo if q['state'] and q['state'].startswith('open')]
    if busy and not args.force:
        remove_queue(busy[0], False)
    for q in todo:
        if remove_queue(q, args.force):
            print('removed %s (%s %s)' % (q['uuid'], q['device'], q['type']), flush=True)
    return EXIT_OK


# ------------------------------------------------------------------ --set --

DEV_SETTINGS = {'numa_zone_id': (NUMA_MIN, NUMA_MAX), 'priority': (PRIO_MIN, PRIO_MAX)}


def parse_assignments(items, allowed, target):
    out = []
    for item in items:
        key, sep, val = item.partition('=')
        if not sep or key not in allowed:
            raise WdError(EXIT_USAGE, "bad setting '%s' for %s: use %s"
                          % (item, target, ' '.join(k + '=N' for k in allowed)))
        if key in (k for k, _ in out):
            raise WdError(EXIT_USAGE, '%s given twice' % key)
        lo, hi = allowed[key]
        try:
            v = parse_long(val, lo, hi)
        except ValueError as e:
            raise WdError(EXIT_USAGE, 'bad value for %s: %s' % (key, e))
        if key == 'depth' and v & (v - 1):
            raise WdError(EXIT_USAGE, 'bad value for depth: %d is not a power of two' % v)
        out.append((key, v))
    if not out:
        raise WdError(EXIT_USAGE, 'nothing to set on %s: give %s' % (
            target, ' '.join(k + '=N' for k in allowed)))
    return out


def cmd_set(args):
    target = args.set
    if uuid_valid(target):
        q, _ = find_queue(target)
        if q is None:
            raise WdError(EXIT_NODEV, 'no such WrapDrive queue: %s' % target)
        settings = parse_assignments(args.operands, {'depth': (DEPTH_MIN, DEPTH_MAX)},
                                     target)
        base, old = mdev_dir(q['uuid']) + '/params/', q
        needs = GROUP_HINT
        if q['state'] and q['state'].startswith('open'):
            raise WdError(EXIT_BUSY, 'queue %s is open: its depth can change only while '
                          'it is not open' % target)
    else:
        d = find_device(target)
        if d is None:
            raise not_in_sysfs(target, '--set')
        settings = parse_assignments(args.operands, DEV_SETTINGS, target)
        base, old = class_dir() + '/' + d['name'] + '/wrapdrive_dev/', d
        needs = 'needs root'
    keymap = {'numa_zone_id': 'numa_node'}
    for key, v in settings:
        try:
            write_attr(base + key, str(v))
        except OSError as e:
            raise os_error(e, 'setting %s=%d on %s' % (key, v, target), needs)
        print('%s: %s %s -> %d' % (target, key, fmt_val(old.get(keymap.get(key, key))), v),
              flush=True)
    return EXIT_OK


# ------------------------------------------------------- --bind, --unbind --

def bus_dir():
    return sysfs_root() + '/sys/bus'


def resolve_parent(name):
    """The device to bind or unbind, from a WrapDrive device name (its
    parent), BUS/NAME, a /sys/devices path or a bare device name."""
    if name and _SYSFS_NAME_RE.match(name) and name not in ('.', '..') and \
            os.path.isdir(class_dir() + '/' + name):
        ddir = class_dir() + '/' + name
        p = device_parent(ddir)
        if p is None or link_name(p + '/subsystem') is None:
            raise WdError(EXIT_NOTAPPLY, '%s has no parent device on a bus (a software '
                          'device): there is nothing to bind or unbind; load or unload '
                          'its module instead' % name)
        return p
    if name.startswith('/sys/'):
        p = sysfs_root() + name
        if not os.path.isdir(p) or '/../' in name + '/':
            raise WdError(EXIT_NODEV, 'no such device: %s' % name)
        return os.path.realpath(p)
    parts = name.split('/')
    if len(parts) == 2 and all(_SYSFS_NAME_RE.match(x) and x not in ('.', '..')
                               for x in parts):
        p = '%s/%s/devices/%s' % (bus_dir(), parts[0], parts[1])
        if not os.path.isdir(p):
            raise WdError(EXIT_NODEV, 'no such device: %s' % name)
        return os.path.realpath(p)
    if len(parts) != 1 or not _SYSFS_NAME_RE.match(name) or name in ('.', '..'):
        raise WdError(EXIT_USAGE, 'bad device name: %s' % name)
    found = []
    for bus in listdir(bus_dir()) or []:
        p = '%s/%s/devices/%s' % (bus_dir(), bus, name)
        if os.path.isdir(p):
            found.append((bus, os.path.realpath(p)))
    if not found:
        raise not_in_sysfs(name, '--bind/--unbind')
    if len(found) > 1:
        raise WdError(EXIT_USAGE, '%s is ambiguous: say %s' % (
            name, ' or '.join('%s/%s' % (b, name) for b, _ in found)))
    return found[0][1]


def check_bindable(p):
    info = device_info(p)
    if info['bus'] is None:
        raise WdError(EXIT_NOTAPPLY, '%s is not on a bus: nothing to bind' % info['path'])
    if info['bus'] in ('wd', 'mdev'):
        raise WdError(EXIT_NOTAPPLY, '%s is a WrapDrive %s on bus %s: it is bound by '
                      'wd.ko itself; bind or unbind its parent device instead'
                      % (info['name'], 'queue' if info['bus'] == 'mdev' else 'device',
                         info['bus']))
    return info


def wd_children(p):
    """WrapDrive devices whose parent is the device at real path @p."""
    return [d for d in scan_all()
            if device_parent(class_dir() + '/' + d['name']) == p]


def in_use_error(info, children):
    queues = [q for d in children for t in d['types'] for q in t['queues']]
    if not queues:
        return None
    nopen = sum(1 for q in queues if q['state'] and q['state'].startswith('open'))
    return WdError(EXIT_BUSY, '%s is in use: %s %s %d WrapDrive queue(s), %d open; '
                   'unbinding removes them (and waits for open ones to be closed); '
                   'use --force to do it anyway'
                   % (info['name'], ', '.join(d['name'] for d in children),
                      'has' if len(children) == 1 else 'have', len(queues), nopen))


def unbind_one(p, force):
    info = check_bindable(p)
    if info['driver'] is None:
        note('%s is not bound to any driver' % info['name'])
        return False
    err = in_use_error(info, wd_children(p))
    if err is not None:
        if not force:
            raise err
        note('warning: %s (--force)' % err)
    f = '%s/%s/drivers/%s/unbind' % (bus_dir(), info['bus'], info['driver'])
    if not os.path.exists(f):
        raise WdError(EXIT_NOTAPPLY, 'driver %s does not allow manual unbind (no %s)'
                      % (info['driver'], sys_path(f)))
    try:
        write_attr(f, info['name'])
    except OSError as e:
        raise os_error(e, 'unbinding %s from %s' % (info['name'], info['driver']),
                       'needs root')
    print('unbound %s from %s' % (info['name'], info['driver']), flush=True)
    return True


def bind_one(driver, p, force, restoring=False):
    info = check_bindable(p)
    ddir = '%s/%s/drivers/%s' % (bus_dir(), info['bus'], driver)
    if not _SYSFS_NAME_RE.match(driver) or not os.path.isdir(ddir):
        raise WdError(EXIT_NODEV, "no driver '%s' on bus %s (is its module loaded?)"
                      % (driver, info['bus']))
    if not os.path.exists(ddir + '/bind'):
        raise WdError(EXIT_NOTAPPLY, 'driver %s does not allow manual bind (no %s)'
                      % (driver, sys_path(ddir + '/bind')))
    if info['driver'] == driver:
        note('%s is already bound to %s' % (info['name'], driver))
        return
    saved = info['driver']
    if saved is not None:
        unbind_one(p, force)
    override = p + '/driver_override'
    try:
        if os.path.exists(override):
            write_attr(override, driver)
        write_attr(ddir + '/bind', info['name'])
    except OSError as e:
        err = os_error(e, 'binding %s to %s' % (info['name'], driver), 'needs root')
        if link_name(p + '/driver') != driver:
            if saved is not None and not restoring:
                try:
                    bind_one(saved, p, True, restoring=True)
                except WdError as e2:
                    note('could not restore %s to %s: %s' % (info['name'], saved, e2))
            raise err
    finally:
        if os.path.exists(override):
            try:
                write_attr(override, '\n')
            except OSError:
                pass
    if link_name(p + '/driver') != driver:
        raise WdError(EXIT_FAIL, 'binding %s to %s: the driver did not take it '
                      '(see dmesg)' % (info['name'], driver))
    print('bound %s to %s' % (info['name'], driver), flush=True)


def cmd_bind(args):
    if not args.operands:
        raise WdError(EXIT_USAGE, '--bind DRIVER needs a device: --bind DRIVER DEV')
    for name in args.operands:
        bind_one(args.bind, resolve_parent(name), args.force)
    return EXIT_OK


def cmd_unbind(args):
    for name in [args.unbind] + args.operands:
        unbind_one(resolve_parent(name), args.force)
    return EXIT_OK


# ---------------------------------------------------------------- --clean --

def cmd_clean(args):
    names = device_names() or []
    if args.operands:
        for n in args.operands:
            if n not in names:
                raise not_in_sysfs(n, '--clean')
        names = [n for n in names if n in args.operands]
    elif os.environ.get('WD_EMU') and not args.json:
        note('emulated devices (WD_EMU) have no orphans: their queues end with '
             'their process')
    removed, failed = [], []
    for name in names:
        for t in scan_device(name)['types']:
            for q in t['queues']:
                if not q['orphan']:
                    continue
                # judge again right before removing: it may have been reopened
                q = scan_queue(q['uuid'], name, t['type'])
                if not q['orphan']:
                    continue
                try:
                    if not remove_queue(q, False):
                        continue
                except WdError as e:
                    note('error: %s' % e)
                    failed.append(dict(q, error=str(e)))
                    continue
                removed.append(q)
                if not args.json:
                    print('removed %s (%s %s, owner %d gone, %s)' % (
                        q['uuid'], name, t['type'], q['owner'], q['state']), flush=True)
    if args.json:
        json.dump({'version': JSON_VERSION, 'removed': removed, 'failed': failed},
                  sys.stdout, indent=2)
        print()
    if failed:
        return EXIT_PERM if all('permission denied' in f['error'] for f in failed) \
            else EXIT_FAIL
    return EXIT_OK


# ------------------------------------------------------------------- main --

EPILOG = """\
commands:
  --status [DEV...]   (default) every device of /sys/class/wd_dev: driver,
                      parent device, NUMA node, priority, each type (name,
                      flags decoded, device_api, free/max instances) and each
                      queue (UUID, state, owner pid and whether it is alive,
                      ring depth, ORPHAN mark). With WD_EMU set, also the
                      emulated devices, as libwd lists them (loaded through
                      ctypes). --json prints the schema of wd-devbind(8).
  --create DEV[:TYPE] [-n N]
                      create N (default 1) queues of TYPE (type directory,
                      the part after "<drv>-", or algorithm name; optional
                      if DEV has one type) and print their UUIDs, one a line.
                      The writer owns a new queue until a process opens it,
                      so a queue left unopened counts as an orphan.
  --remove UUID|DEV[:TYPE] [...]
                      remove queues: by UUID, or all of a device (or type).
                      An open queue is refused unless --force (the kernel
                      then waits until its user closes it).
  --set DEV numa_zone_id=N priority=P
                      change a device's NUMA node (-1..1023, an online node)
                      and priority (0..100, higher is preferred by libwd).
  --set UUID depth=N  ring depth of a queue that is not open (power of two).
  --bind DRIVER DEV [DEV...]
  --unbind DEV [DEV...]
                      bind or unbind the device an accelerator hangs off (DEV
                      is a WrapDrive device name, meaning its parent, or
                      BUS/NAME, a bare device name or a /sys/devices path),
                      through /sys/bus/<bus>/drivers/<drv>/{bind,unbind} and
                      driver_override, as dpdk-devbind.py does for PCI.
                      Refused while its WrapDrive devices have queues, unless
                      --force. Binding a device bound elsewhere unbinds it
                      first and restores the old driver if the bind fails.
  --clean [DEV...]    remove orphans: queues whose owner process is gone (pid
                      not found) and that are not open, as libwd judges them.
                      Prints one line per queue removed and nothing else, so
                      it is safe to run from a timer.

emulated devices (WD_EMU) live inside each process: only --status applies
to them; --create, --remove, --set and --clean say so (exit status 7).

exit status:
  0 done   1 failed (kernel error, unreadable sysfs)   2 bad command line
  or value   3 permission denied (needs root, or group wrapdrive)   4 no
  such device, type, queue or driver   5 no instances left   6 in use
  (refused without --force, or EBUSY)   7 does not apply to this device

environment:
  WD_SYSFS_ROOT  prefix of /sys (default /), as libwd; for fake trees
  WD_EMU         emulated devices, as libwd (see doc/guides/libwd.rst)
  WD_LIBWD       libwd.so.0 to load for them (default: the build tree next
                 to this script, then the system's)
"""


def build_parser():
    p = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description='See, create, remove, bind and clean WrapDrive accelerator '
        'queues (the WrapDrive counterpart of dpdk-devbind.py).',
        epilog=EPILOG)
    g = p.add_mutually_exclusive_group()
    g.add_argument('-s', '--status', action='store_true',
                   help='show devices, types and queues (the default)')
    g.add_argument('--create', metavar='DEV[:TYPE]', help='create queues')
    g.add_argument('--remove', metavar='UUID|DEV[:TYPE]', help='remove queues')
    g.add_argument('--set', metavar='DEV|UUID',
                   help='set numa_zone_id=N priority=P (device) or depth=N (queue)')
    g.add_argument('-b', '--bind', metavar='DRIVER',
                   help='bind the devices given after it to DRIVER')
    g.add_argument('-u', '--unbind', metavar='DEV', help='unbind devices from their driver')
    g.add_argument('--clean', action='store_true',
                   help='remove queues whose owner process is gone')
    p.add_argument('operands', nargs='*', metavar='ARG',
                   help='more devices, queues or settings, as the command takes')
    p.add_argument('-n', '--count', type=int, metavar='N',
                   help='--create: number of queues (1..%d, default 1)' % COUNT_MAX)
    p.add_argument('--json', action='store_true',
                   help='machine-readable output (--status, --create, --clean)')
    p.add_argument('--force', action='store_true',
                   help='--remove, --bind, --unbind: act even on devices in use')
    return p


COMMANDS = (('create', cmd_create), ('remove', cmd_remove), ('set', cmd_set),
            ('bind', cmd_bind), ('unbind', cmd_unbind))


def main(argv=None):
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code not in (0, None) else EXIT_OK
    try:
        if args.count is not None and (args.create is None or
                                       not 1 <= args.count <= COUNT_MAX):
            raise WdError(EXIT_USAGE, '-n N goes with --create and N is 1..%d' % COUNT_MAX)
        if args.json and (args.remove or args.set or args.bind or args.unbind):
            raise WdError(EXIT_USAGE, '--json goes with --status, --create or --clean')
        if args.force and not (args.remove or args.bind or args.unbind):
            raise WdError(EXIT_USAGE, '--force goes with --remove, --bind or --unbind')
        for name, fn in COMMANDS:
            if getattr(args, name) is not None:
                return fn(args)
        if args.clean:
            return cmd_clean(args)
        return cmd_status(args)
    except WdError as e:
        print('%s: error: %s' % (PROG, e), file=sys.stderr)
        return e.code
    except OSError as e:
        print('%s: error: %s' % (PROG, e), file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
