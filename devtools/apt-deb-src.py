#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
"""Derive deb-src entries from a machine's own apt sources.

Reads <root>/etc/apt/sources.list, sources.list.d/*.list (one-line format)
and sources.list.d/*.sources (deb822), in apt's order, and prints deb822
stanzas of type deb-src (nothing if none is needed) for every enabled
"deb" source of the given release (suite CODENAME or CODENAME-*) whose
sources are not configured yet:

- one stanza per URI and suite, the components of every "deb" entry for it
  merged, minus those a deb-src entry already has (so the same archive in
  both formats gives one entry);
- Signed-By (and Trusted) as apt will already hold them for that URI and
  suite: apt refuses a later entry whose Signed-By differs from an earlier
  one ("Conflicting values set for option Signed-By");
- disabled stanzas (Enabled: no), comments, cdrom: and flat repositories
  are ignored; files named wrapdrive-deb-src.* (this tool's output) are
  not read.

Usage: apt-deb-src.py [--root DIR] [--codename NAME] [--write]
With --write, the stanzas go to <root>/etc/apt/sources.list.d/
wrapdrive-deb-src.sources (rewritten only when they change, removed when
none is needed) and the one-line wrapdrive-deb-src.list of older set-ups
is removed; "changed" is printed when a file changed.
Exit status: 0 (stanzas printed, possibly none), 1 no enabled "deb" or
"deb-src" source for the release, 2 usage.
"""

import argparse
import glob
import os
import re
import sys

OWN = 'wrapdrive-deb-src.'


class Entry:
    """One (type, URI, suite) with its components and options."""

    def __init__(self, typ, uri, suite, comps, opts):
        self.typ = typ
        self.uri = uri if uri.endswith('/') else uri + '/'
        self.suite = suite
        self.comps = comps
        self.opts = opts        # lower-case key -> value


def parse_oneline(path):
    out = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            m = re.match(r'^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$',
                         line)
            if m is None:
                continue
            opts = {}
            for kv in (m.group(2) or '').split():
                if '=' in kv:
                    k, v = kv.split('=', 1)
                    opts[k.lower()] = v
            out.append(Entry(m.group(1), m.group(3), m.group(4), m.group(5).split(), opts))
    return out


def deb822_stanzas(path):
    """Stanzas as dicts of lower-case field -> raw value (continuations kept)."""
    stanzas, cur, key = [], {}, None
    with open(path, encoding='utf-8', errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\n')
            if line.startswith('#'):
                continue
            if not line.strip():
                if cur:
                    stanzas.append(cur)
                cur, key = {}, None
                continue
            if line[0] in ' \t' and key is not None:
                cur[key] += '\n' + line
                continue
            if ':' in line:
                key, val = line.split(':', 1)
                key = key.strip().lower()
                cur[key] = val.strip()
    if cur:
        stanzas.append(cur)
    return stanzas


def parse_deb822(path):
    out = []
    for st in deb822_stanzas(path):
        if st.get('enabled', 'yes').strip().lower() in ('no', 'false', '0'):
            continue
        opts = {k: v for k, v in st.items()
                if k not in ('types', 'uris', 'suites', 'components', 'enabled')}
        for typ in st.get('types', '').split():
            for uri in st.get('uris', '').split():
                for suite in st.get('suites', '').split():
                    out.append(Entry(typ, uri, suite, st.get('components', '').split(),
                                     opts))
    return out


def read_sources(root):
    etc = os.path.join(root, 'etc', 'apt')
    entries = []
    main = os.path.join(etc, 'sources.list')
    if os.path.isfile(main):
        entries += parse_oneline(main)
    for path in sorted(glob.glob(os.path.join(etc, 'sources.list.d', '*'))):
        name = os.path.basename(path)
        if name.startswith(OWN) or not os.path.isfile(path):
            continue
        if name.endswith('.list'):
            entries += parse_oneline(path)
        elif name.endswith('.sources'):
            entries += parse_deb822(path)
    return entries


def derive(entries, codename):
    """deb822 text of the deb-src stanzas needed, and whether any source
    of the release exists at all."""
    def ours(e):
        return (e.suite == codename or e.suite.startswith(codename + '-')) and \
            not e.suite.endswith('/') and not e.uri.startswith('cdrom:')

    # what apt will hold per (URI, suite): the first Signed-By/Trusted set
    held = {}
    for e in entries:
        h = held.setdefault((e.uri, e.suite), {})
        for k in ('signed-by', 'trusted'):
            if e.opts.get(k) and k not in h:
                h[k] = e.opts[k]
    want, have, found = {}, {}, False
    for e in entries:
        if not ours(e):
            continue
        found = True
        key = (e.uri, e.suite)
        dest = want if e.typ == 'deb' else have if e.typ == 'deb-src' else None
        if dest is None:
            continue
        comps = dest.setdefault(key, [])
        comps += [c for c in e.comps if c not in comps]
    text = []
    for (uri, suite), comps in want.items():
        comps = [c for c in comps if c not in have.get((uri, suite), [])]
        if not comps:
            continue
        st = ['Types: deb-src', 'URIs: ' + uri, 'Suites: ' + suite,
              'Components: ' + ' '.join(comps)]
        h = held.get((uri, suite), {})
        if 'signed-by' in h:
            st.append('Signed-By: ' + h['signed-by'])
        if 'trusted' in h:
            st.append('Trusted: ' + h['trusted'])
        text.append('\n'.join(st) + '\n')
    return '\n'.join(text), found


def main():
    ap = argparse.ArgumentParser(description='Print deb-src stanzas derived from the '
                                 'apt sources under ROOT.')
    ap.add_argument('--root', default='/', help='root of the apt layout (default /)')
    ap.add_argument('--write', action='store_true', help='write sources.list.d/'
                    'wrapdrive-deb-src.sources instead of printing')
    ap.add_argument('--codename', help='release (default: VERSION_CODENAME of '
                    '<root>/etc/os-release)')
    args = ap.parse_args()
    codename = args.codename
    if codename is None:
        try:
            with open(os.path.join(args.root, 'etc', 'os-release')) as f:
                for line in f:
                    if line.startswith('VERSION_CODENAME='):
                        codename = line.split('=', 1)[1].strip().strip('"')
        except OSError:
            pass
    if not codename:
        print('apt-deb-src: no release codename (use --codename)', file=sys.stderr)
        return 2
    text, found = derive(read_sources(args.root), codename)
    if not found:
        print("apt-deb-src: no enabled apt source for '%s' under %s" % (codename, args.root),
              file=sys.stderr)
        return 1
    if text:
        text = ('# deb-src entries derived by WrapDrive devtools/setup.sh\n'
                '# from this machine\'s deb entries (devtools/apt-deb-src.py)\n\n' + text)
    if not args.write:
        sys.stdout.write(text)
        return 0
    return write(args.root, text)


def write(root, text):
    d = os.path.join(root, 'etc', 'apt', 'sources.list.d')
    out = os.path.join(d, OWN + 'sources')
    changed = False
    legacy = os.path.join(d, OWN + 'list')
    if os.path.exists(legacy):
        os.unlink(legacy)
        changed = True
    try:
        with open(out, encoding='utf-8') as f:
            old = f.read()
    except OSError:
        old = None
    if not text and old is not None:
        os.unlink(out)
        changed = True
    elif text and old != text:
        with open(out + '.tmp', 'w', encoding='utf-8') as f:
            f.write(text)
        os.chmod(out + '.tmp', 0o644)
        os.replace(out + '.tmp', out)
        changed = True
    if changed:
        print('changed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
