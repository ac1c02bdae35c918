#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""wd-devbind.py against wd.ko + wd_dummy.ko, inside the VM (started by
test/vm/usertools_vm.sh): status, create, remove, set, permissions, the
kill of a queue's owner, --clean and the instance free again.

A Python start takes seconds under QEMU's software CPU, so the tool's
main() runs in this process (forked where it must run as another user or
block); one check runs the script as a real process. Prints one
"PASS: ..." or "FAIL: ..." line per check; exit status 1 if any failed.

    vm_guest.py <repo> <build dir>
"""

import contextlib
import importlib.util
import io
import json
import os
import re
import signal
import subprocess
import sys
import time

TOP, BUILD = sys.argv[1], sys.argv[2]
TOOL = os.path.join(TOP, 'usertools', 'wd-devbind.py')
HOLDER = os.path.join(BUILD, 'test', 'vm', 'wd_kmod_test')
KO = os.path.join(BUILD, 'kmod')
T = '/sys/class/wd_dev/wd_dummy0/mdev_supported_types/wd_dummy-memcpy'
UUID_RE = r'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
NOBODY = 65534

for var in ('WD_EMU', 'WD_SYSFS_ROOT'):
    os.environ.pop(var, None)
spec = importlib.util.spec_from_file_location('wd_devbind', TOOL)
wdb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wdb)

fails = 0


def report(ok, what, detail=''):
    global fails
    if ok:
        print('PASS: %s' % what, flush=True)
    else:
        fails += 1
        print('FAIL: %s%s' % (what, ('\n    ' + detail.replace('\n', '\n    '))
                              if detail else ''), flush=True)


def tool(*argv):
    """(exit status, stdout, stderr) of wd-devbind.py ARGV, in-process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = wdb.main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def rc(what, want, *argv):
    got, out, err = tool(*argv)
    report(got == want, '%s: exit %d' % (what, got),
           'want %d; stdout %r stderr %r' % (want, out, err))
    return out


def eq(what, got, want):
    report(got == want, '%s = %r' % (what, got), 'want %r' % (want,))


def has(what, text, pattern):
    report(re.search(pattern, text, re.M) is not None, what,
           'no /%s/ in:\n%s' % (pattern, text))


def status():
    got, out, err = tool('--json')
    return json.loads(out)


def read(path):
    with open(path) as f:
        return f.read().strip()


def avail():
    return int(read(T + '/available_instances'))


def nqueues():
    return len(os.listdir('/sys/bus/mdev/devices'))


def in_child(fn, user=None):
    """Fork; run fn() (as @user, if given) in the child; return its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if user is not None:
                os.setgroups([])
                os.setresgid(user, user, user)
                os.setresuid(user, user, user)
            code = fn()
        finally:
            os._exit(code)
    return pid


def child_status(pid):
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st)


def as_nobody(*argv):
    """(exit status, stderr) of main(ARGV) as user nobody."""
    r, w = os.pipe()

    def run():
        os.close(r)
        code, _, err = tool(*argv)
        os.write(w, err.encode())
        return code
    pid = in_child(run, NOBODY)
    os.close(w)
    with os.fdopen(r) as f:
        err = f.read()
    return child_status(pid), err


def start_holder():
    """wd_kmod_test hold: a process holding a queue open. (proc, uuid)"""
    out = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'hold.out')
    f = open(out, 'w')
    p = subprocess.Popen([HOLDER, 'hold', 'wd_dummy0'], stdout=f, stderr=subprocess.STDOUT)
    f.close()
    for _ in range(200):
        m = re.search(r'READY (\S+)', read(out) if os.path.exists(out) else '')
        if m:
            return p, m.group(1)
        time.sleep(0.05)
    report(False, 'holder started', read(out))
    return p, None


def kill(p):
    p.send_signal(signal.SIGKILL)
    p.wait()


def load():
    for ko, args in (('wd.ko', []), ('wd_dummy.ko', ['devices=2', 'queues=4'])):
        r = subprocess.run(['insmod', os.path.join(KO, ko)] + args,
                           capture_output=True, text=True)
        if r.returncode != 0:
            report(False, 'insmod %s' % ko, r.stderr)
            sys.exit(1)
    # the type's flags appear a moment after the type
    for _ in range(100):
        if os.path.exists(T + '/flags'):
            break
        time.sleep(0.05)


def test_status():
    got, out, err = tool()
    eq('status exit status', got, 0)
    has('status lists wd_dummy0', out,
        r'^wd_dummy0  drv=wd_dummy  numa_zone_id=-1  priority=10  max_queues=4$')
    has('status lists wd_dummy1', out, r'^wd_dummy1  drv=wd_dummy ')
    has('status shows the software parent', out, r'parent /sys/devices/wd \(not on a bus')
    has('status shows the type', out, r'wd_dummy-memcpy  name=memcpy  device_api=wd_dummy_v1'
        r'  flags=0x0 \(none\)  instances 4/4 free')
    d = status()
    eq('JSON: devices', [x['name'] for x in d['devices']], ['wd_dummy0', 'wd_dummy1'])
    x = d['devices'][0]
    eq('JSON: usable, driver, max_queues, parent bus',
       (x['usable'], x['driver'], x['max_queues'], x['parent']['bus']),
       (True, 'wd_dummy', 4, None))
    # the script itself, as a process, once
    r = subprocess.run([sys.executable, TOOL], capture_output=True, text=True)
    eq('the script as a process: exit status', r.returncode, 0)
    has('the script as a process: output', r.stdout, r'^wd_dummy1  drv=wd_dummy ')


def test_create_remove():
    u = rc('create', 0, '--create', 'wd_dummy0').strip()
    has('create prints a UUID', u, '^%s$' % UUID_RE)
    eq('the queue exists', os.path.exists('/sys/bus/mdev/devices/' + u), True)
    eq('available after create', avail(), 3)
    # This process wrote create and is alive: the queue is not an orphan.
    got, out, err = tool()
    has('status shows the new queue', out,
        r'%s  state=created  owner=%d \(alive\)  depth=512$' % (u, os.getpid()))
    more = rc('create -n 3', 0, '--create', 'wd_dummy0:memcpy', '-n', '3').split()
    eq('create -n 3: UUIDs', len(more), 3)
    eq('available after 4 creates', avail(), 0)
    rc('create with no instance left', 5, '--create', 'wd_dummy0')
    rc('create -n 2 with no instance left', 5, '--create', 'wd_dummy0', '-n', '2')
    rc('create on a missing type', 4, '--create', 'wd_dummy0:sha1')
    rc('create on a missing device', 4, '--create', 'wd_dummy7')
    rc('set depth of a created queue', 0, '--set', u, 'depth=64')
    eq('params/depth', read('/sys/bus/mdev/devices/%s/params/depth' % u), '64')
    rc('set a bad depth', 2, '--set', u, 'depth=48')
    rc('set a depth the kernel refuses', 2, '--set', u, 'depth=8192')
    rc('remove one by UUID', 0, '--remove', u.upper())
    eq('queue gone', os.path.exists('/sys/bus/mdev/devices/' + u), False)
    rc('remove it again', 4, '--remove', u)
    out = rc('remove all of wd_dummy0', 0, '--remove', 'wd_dummy0')
    eq('remove all of wd_dummy0: lines', out.count('removed '), 3)
    eq('available after remove', avail(), 4)
    eq('no queues left', nqueues(), 0)


def test_created_by_a_dead_process():
    """A queue whose creator exited and that nobody opened: an orphan."""
    r, w = os.pipe()

    def run():
        os.close(r)
        code, out, _ = tool('--create', 'wd_dummy1')
        os.write(w, out.encode())
        return code
    pid = in_child(run)
    os.close(w)
    with os.fdopen(r) as f:
        u = f.read().strip()
    eq('create in a child: exit status', child_status(pid), 0)
    got, out, err = tool()
    has('the queue of the exited creator is an orphan', out,
        r'%s  state=created  owner=%d \(gone\)  depth=512  ORPHAN' % (u, pid))
    out = rc('clean', 0, '--clean')
    eq('clean removes it', out,
       'removed %s (wd_dummy1 wd_dummy-memcpy, owner %d gone, created)\n' % (u, pid))


def test_set():
    p = '/sys/class/wd_dev/wd_dummy1/wrapdrive_dev/'
    rc('set priority and numa_zone_id', 0, '--set', 'wd_dummy1', 'priority=55',
       'numa_zone_id=0')
    eq('priority written', read(p + 'priority'), '55')
    eq('numa_zone_id written', read(p + 'numa_zone_id'), '0')
    rc('set an offline node (kernel EINVAL)', 2, '--set', 'wd_dummy1', 'numa_zone_id=7')
    eq('numa_zone_id unchanged', read(p + 'numa_zone_id'), '0')
    rc('set priority out of range', 2, '--set', 'wd_dummy1', 'priority=101')
    rc('set back', 0, '--set', 'wd_dummy1', 'priority=10', 'numa_zone_id=-1')
    rc('unbind a software device', 7, '--unbind', 'wd_dummy0')
    rc('bind a software device', 7, '--bind', 'wd_dummy', 'wd_dummy0')


def test_not_root():
    code, err = as_nobody('--status')
    eq('status as nobody', code, 0)
    code, err = as_nobody('--create', 'wd_dummy0')
    eq('create as nobody: exit status', code, 3)
    has('create as nobody: the error says root is needed', err,
        r'\Awd-devbind.py: error: permission denied: creating a wd_dummy-memcpy queue on '
        r'wd_dummy0 needs root .*\n\Z')
    code, err = as_nobody('--set', 'wd_dummy0', 'priority=5')
    eq('set as nobody: exit status', code, 3)
    eq('nothing created by nobody', nqueues(), 0)


def test_owner_killed():
    p, q = start_holder()
    if q is None:
        return
    got, out, err = tool()
    has('status: held queue open, owner alive', out,
        r'%s  state=open  owner=%d \(alive\)' % (q, p.pid))
    eq('available while held', avail(), 3)
    qs = [(x['owner'], x['owner_alive'], x['state'], x['orphan'])
          for d in status()['devices'] for t in d['types'] for x in t['queues']]
    eq('JSON: the held queue', qs, [(p.pid, True, 'open', False)])
    rc('remove an open queue without --force', 6, '--remove', q)
    rc('clean while the owner lives', 0, '--clean')
    eq('clean removed nothing', nqueues(), 1)
    kill(p)
    for _ in range(100):
        if read('/sys/bus/mdev/devices/%s/params/state' % q) == 'released':
            break
        time.sleep(0.05)
    got, out, err = tool()
    has('status after SIGKILL: released, owner gone, orphan', out,
        r'%s  state=released  owner=%d \(gone\)  depth=\d+  ORPHAN' % (q, p.pid))
    eq('available before clean', avail(), 3)
    out = rc('clean after the kill', 0, '--clean')
    eq('clean prints what it removed', out,
       'removed %s (wd_dummy0 wd_dummy-memcpy, owner %d gone, released)\n' % (q, p.pid))
    eq('available after clean', avail(), 4)
    got, out, err = tool()
    has('status shows the instance free again', out,
        r'^wd_dummy0 (.|\n)*?wd_dummy-memcpy .* instances 4/4 free$')
    eq('JSON: available after clean',
       status()['devices'][0]['types'][0]['available_instances'], 4)
    eq('clean again prints nothing', tool('--clean'), (0, '', ''))


def test_force_remove_waits():
    p, q = start_holder()
    if q is None:
        return
    pid = in_child(lambda: tool('--remove', q, '--force')[0])
    time.sleep(1)
    eq('remove --force waits while the queue is open', os.waitpid(pid, os.WNOHANG), (0, 0))
    kill(p)
    eq('remove --force exit status once the owner died', child_status(pid), 0)
    eq('queue removed', nqueues(), 0)
    eq('available at the end', avail(), 4)


def test_emulated():
    lib = os.path.join(BUILD, 'lib', 'wd', 'libwd.so.0')
    r = subprocess.run([sys.executable, TOOL], capture_output=True, text=True,
                       env=dict(os.environ, WD_LIBWD=lib,
                                WD_EMU='wd_dummy_v1:1:queues=2:priority=70'))
    if r.returncode != 0 or 'cannot load libwd' in r.stdout:
        # e.g. a sanitizer build's libwd, which a plain python cannot load
        print('SKIP: emulated devices: %s cannot be loaded here' % lib, flush=True)
        return
    has('status with WD_EMU: kernel devices', r.stdout, r'^wd_dummy0  drv=wd_dummy ')
    has('status with WD_EMU: the emulated device', r.stdout,
        r'^wd_dummy0  numa_zone_id=-1  priority=70  \(emulated, in-process\)')


def main():
    load()
    test_status()
    test_create_remove()
    test_created_by_a_dead_process()
    test_set()
    test_not_root()
    test_owner_killed()
    test_force_remove_waits()
    test_emulated()
    r = subprocess.run(['rmmod', 'wd_dummy', 'wd'], capture_output=True, text=True)
    report(r.returncode == 0, 'unload', r.stderr)
    eq('clean without wd.ko: silent', tool('--clean'), (0, '', ''))
    has('status without wd.ko', tool()[1], r'does not exist \(is wd.ko loaded\?\)')
    print('usertools vm_guest: %d failed' % fails, flush=True)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
