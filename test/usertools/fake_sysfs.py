# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""Fake /sys trees for the wd-devbind.py tests, laid out as wd.ko makes
them (doc/guides/kernel.rst), and a fake kernel that gives writes to their
attributes the kernel's effects and errors.

Layout made by FakeSysfs:
  sys/devices/wd/<dev>/                        a software device (bus wd)
  sys/devices/platform/<parent>/<dev>/         a device with a hardware parent
  sys/class/wd_dev/<dev> -> its device directory
  <dev>/driver -> sys/bus/wd/drivers/<drv>, <dev>/subsystem -> sys/bus/wd
  <dev>/wrapdrive_dev/{numa_zone_id,priority,max_queues}
  <dev>/mdev_supported_types/<type>/{name,flags,available_instances,
      device_api,create,devices/<uuid> -> the queue}
  <dev>/<uuid>/{params/{owner,state,depth},remove,mdev_type -> the type}
  sys/bus/mdev/devices/<uuid> -> the queue
"""

import errno
import os
import shutil
import subprocess
import tempfile


def dead_pid():
    """A pid whose process has exited and been reaped."""
    p = subprocess.Popen(['true'])
    p.wait()
    return p.pid


class FakeSysfs:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix='wd-devbind-')
        os.chmod(self.root, 0o755)
        self.sys = self.root + '/sys'
        for d in ('class/wd_dev', 'bus/mdev/devices', 'bus/wd/drivers',
                  'bus/platform/devices', 'bus/platform/drivers', 'devices/wd'):
            os.makedirs('%s/%s' % (self.sys, d), exist_ok=True)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    # -- files --
    def path(self, rel):
        return self.root + '/' + rel.lstrip('/')

    def write(self, rel, val):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(val)

    def read(self, rel):
        try:
            with open(self.path(rel)) as f:
                return f.read()
        except OSError:
            return None

    def link(self, rel, target_rel):
        """Symlink sys-relative @rel -> @target_rel (both from the root)."""
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.unlink(p)
        os.symlink(os.path.relpath(self.path(target_rel), os.path.dirname(p)), p)

    # -- devices --
    def dev_dir(self, dev):
        return os.path.realpath(self.path('sys/class/wd_dev/' + dev))

    def rel(self, real):
        return os.path.relpath(real, self.root)

    def add_driver(self, bus, drv, bindable=True):
        d = 'sys/bus/%s/drivers/%s' % (bus, drv)
        os.makedirs(self.path(d), exist_ok=True)
        if bindable:
            self.write(d + '/bind', '')
            self.write(d + '/unbind', '')

    def add_parent(self, name, driver='hisi_sec'):
        """A platform device bound to @driver (None: unbound)."""
        d = 'sys/devices/platform/' + name
        os.makedirs(self.path(d), exist_ok=True)
        self.link(d + '/subsystem', 'sys/bus/platform')
        self.link('sys/bus/platform/devices/' + name, d)
        self.write(d + '/driver_override', '(null)\n')
        if driver is not None:
            self.add_driver('platform', driver)
            self.link(d + '/driver', 'sys/bus/platform/drivers/' + driver)
        return d

    def add_dev(self, name, drv='wd_dummy', numa='-1\n', prio='10\n',
                max_queues='8\n', parent=None, types=None):
        """A WrapDrive device. types: {type: (alg, flags, avail, api)}."""
        if types is None:
            types = {drv + '-memcpy': ('memcpy\n', '0x0\n', '8\n', 'wd_dummy_v1\n')}
        d = '%s/%s' % (parent or 'sys/devices/wd', name)
        os.makedirs(self.path(d), exist_ok=True)
        self.add_driver('wd', drv, bindable=False)
        self.link(d + '/driver', 'sys/bus/wd/drivers/' + drv)
        self.link(d + '/subsystem', 'sys/bus/wd')
        self.link('sys/class/wd_dev/' + name, d)
        self.link('sys/bus/wd/devices/' + name, d)
        for attr, val in (('numa_zone_id', numa), ('priority', prio),
                          ('max_queues', max_queues)):
            if val is not None:
                self.write('%s/wrapdrive_dev/%s' % (d, attr), val)
        for t, (alg, flags, avail, api) in types.items():
            self.add_type(name, t, alg, flags, avail, api)
        return d

    def add_type(self, dev, t, alg, flags, avail, api):
        td = '%s/mdev_supported_types/%s' % (self.rel(self.dev_dir(dev)), t)
        os.makedirs(self.path(td + '/devices'), exist_ok=True)
        for attr, val in (('name', alg), ('flags', flags),
                          ('available_instances', avail), ('device_api', api)):
            if val is not None:
                self.write('%s/%s' % (td, attr), val)
        self.write(td + '/create', '')

    def add_plain_dev(self, name, numa='0\n', prio='10\n', t='x-memcpy',
                      alg='memcpy\n', flags='0\n', avail='1\n', api='wd_dummy_v1\n'):
        """A device as test/unit/fake_sysfs.h makes it: plain directories
        under sys/class/wd_dev, no links; NULL (None) values left out."""
        d = 'sys/class/wd_dev/' + name
        os.makedirs(self.path(d), exist_ok=True)
        for attr, val in (('numa_zone_id', numa), ('priority', prio)):
            if val is not None:
                self.write('%s/wrapdrive_dev/%s' % (d, attr), val)
        if t is None:
            return
        td = '%s/mdev_supported_types/%s' % (d, t)
        os.makedirs(self.path(td), exist_ok=True)
        for attr, val in (('name', alg), ('flags', flags),
                          ('available_instances', avail), ('device_api', api)):
            if val is not None:
                self.write('%s/%s' % (td, attr), val)
        self.write(td + '/create', '')

    def type_dir(self, dev, t):
        return '%s/mdev_supported_types/%s' % (self.rel(self.dev_dir(dev)), t)

    def add_queue(self, dev, t, uuid, owner, state='created', depth=512):
        q = '%s/%s' % (self.rel(self.dev_dir(dev)), uuid)
        self.write(q + '/params/owner', '%d\n' % owner)
        if state is not None:
            self.write(q + '/params/state', state + '\n')
        self.write(q + '/params/depth', '%d\n' % depth)
        self.write(q + '/remove', '')
        self.link(q + '/mdev_type', self.type_dir(dev, t))
        self.link('%s/devices/%s' % (self.type_dir(dev, t), uuid), q)
        self.link('sys/bus/mdev/devices/' + uuid, q)
        return q

    def queue_exists(self, uuid):
        return os.path.exists(self.path('sys/bus/mdev/devices/' + uuid))


def _err(code, path):
    return OSError(code, os.strerror(code), path)


class FakeKernel:
    """Stands in for write_attr(): applies a write to the fake tree as the
    kernel would (doc/guides/kernel.rst), or raises the kernel's errno."""

    def __init__(self, fs, online_nodes=(-1, 0)):
        self.fs = fs
        self.online = online_nodes
        self.writes = []            # (sys-relative path, value)
        self.deny = False           # EACCES for every write (not root)
        self.fail = {}              # basename or path suffix -> errno
        self.broken_drivers = set()  # bind fails with ENODEV

    def __call__(self, path, value):
        real = os.path.realpath(path)
        rel = os.path.relpath(real, self.fs.root)
        self.writes.append((rel, value))
        if not os.path.exists(real):
            raise _err(errno.ENOENT, path)
        if self.deny:
            raise _err(errno.EACCES, path)
        for suffix, code in self.fail.items():
            if rel.endswith(suffix):
                raise _err(code, path)
        base = os.path.basename(rel)
        handler = getattr(self, 'w_' + base, None)
        if handler is None:
            raise _err(errno.EACCES, path)     # read-only attribute
        handler(rel, value)

    def _int(self, value, path):
        v = value.strip()
        if not v or not (v.isdigit() or (v[0] == '-' and v[1:].isdigit())):
            raise _err(errno.EINVAL, path)
        return int(v)

    def w_numa_zone_id(self, rel, value):
        v = self._int(value, rel)
        if v not in self.online:
            raise _err(errno.EINVAL, rel)
        self.fs.write(rel, '%d\n' % v)

    def w_priority(self, rel, value):
        v = self._int(value, rel)
        if not 0 <= v <= 100:
            raise _err(errno.ERANGE, rel)
        self.fs.write(rel, '%d\n' % v)

    def w_depth(self, rel, value):
        v = self._int(value, rel)
        if v < 16 or v > 4096 or v & (v - 1):
            raise _err(errno.EINVAL, rel)
        if (self.fs.read(os.path.dirname(rel) + '/state') or '').startswith('open'):
            raise _err(errno.EBUSY, rel)
        self.fs.write(rel, '%d\n' % v)

    def _types(self, devdir):
        tdir = devdir + '/mdev_supported_types'
        return [tdir + '/' + t for t in os.listdir(self.fs.path(tdir))]

    def _add_avail(self, devdir, n):
        for t in self._types(devdir):
            a = t + '/available_instances'
            self.fs.write(a, '%d\n' % (int(self.fs.read(a)) + n))

    def w_create(self, rel, value):
        u = value.strip().lower()
        if len(u) != 36:
            raise _err(errno.EINVAL, rel)
        if self.fs.queue_exists(u):
            raise _err(errno.EEXIST, rel)
        tdir = os.path.dirname(rel)
        devdir = os.path.dirname(os.path.dirname(tdir))
        if int(self.fs.read(tdir + '/available_instances')) <= 0:
            raise _err(errno.EUSERS, rel)
        dev = os.path.basename(devdir)
        self.fs.add_queue(dev, os.path.basename(tdir), u, os.getpid())
        self._add_avail(devdir, -1)

    def w_remove(self, rel, value):
        if value.strip() == '0':
            return
        if value.strip() != '1':
            raise _err(errno.EINVAL, rel)
        qdir = os.path.dirname(rel)
        u = os.path.basename(qdir)
        tdir = os.path.relpath(os.path.realpath(self.fs.path(qdir + '/mdev_type')),
                               self.fs.root)
        os.unlink(self.fs.path(tdir + '/devices/' + u))
        os.unlink(self.fs.path('sys/bus/mdev/devices/' + u))
        shutil.rmtree(self.fs.path(qdir))
        self._add_avail(os.path.dirname(qdir), 1)

    def w_driver_override(self, rel, value):
        v = value.rstrip('\n')
        self.fs.write(rel, (v or '(null)') + '\n')

    def w_bind(self, rel, value):
        drvdir = os.path.dirname(rel)
        bus = os.path.basename(os.path.dirname(os.path.dirname(drvdir)))
        dev = 'sys/bus/%s/devices/%s' % (bus, value.strip())
        if not os.path.exists(self.fs.path(dev)):
            raise _err(errno.ENODEV, rel)
        real = self.fs.rel(os.path.realpath(self.fs.path(dev)))
        if os.path.lexists(self.fs.path(real + '/driver')):
            raise _err(errno.EBUSY, rel)
        drv = os.path.basename(drvdir)
        override = (self.fs.read(real + '/driver_override') or '(null)\n').strip()
        if drv in self.broken_drivers or override not in ('(null)', drv):
            raise _err(errno.ENODEV, rel)
        self.fs.link(real + '/driver', drvdir)

    def w_unbind(self, rel, value):
        drvdir = os.path.dirname(rel)
        bus = os.path.basename(os.path.dirname(os.path.dirname(drvdir)))
        dev = self.fs.rel(os.path.realpath(self.fs.path(
            'sys/bus/%s/devices/%s' % (bus, value.strip()))))
        link = self.fs.path(dev + '/driver')
        if not os.path.islink(link) or os.path.basename(os.readlink(link)) != \
                os.path.basename(drvdir):
            raise _err(errno.ENODEV, rel)
        os.unlink(link)
