#!/usr/bin/env python
"""Mirror the collection's source files into a separate tree (for ansible-test sanity).

Usage: python tests/tools/sync_tree.py SRC DEST

The files copied are exactly what ``git ls-files -co --exclude-standard`` lists in SRC:
tracked files plus untracked files that are not ignored, i.e. what a commit of the work
tree would contain.  Outside a git work tree every file is copied except the usual
build, cache and virtualenv folders.

Files are only rewritten when their content or mode changed, files that are no longer
listed are removed, and ``tests/output/`` and ``.git/`` in DEST are left alone: ansible-test
keeps its delegation virtualenv and results in the first, which is what makes later runs fast.

Only the standard library is used, so it runs before .venv exists.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import stat
import subprocess
import sys

# Paths (relative to DEST) that belong to DEST and are never removed or copied over:
# ansible-test's output/caches, and the throw-away .git that tells ansible-test which files
# the copy holds (see harness.sh).
KEEP_PREFIXES = ('tests/output/', '.git/')

# Used only when SRC is not a git work tree.
WALK_SKIP_DIRS = {'.git', '.build', '.cache', '.mypy_cache', '.nox', '.pytest_cache', '.ruff_cache', '.tox', '__pycache__'}


def list_files(src: str) -> list[str]:
    try:
        out = subprocess.run(
            ['git', '-C', src, 'ls-files', '-co', '--exclude-standard', '-z'],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return list(walk_files(src))
    names = sorted({name for name in out.decode('utf-8', 'surrogateescape').split('\0') if name})
    # `-c` still lists tracked files that were deleted from the work tree.
    return [name for name in names if os.path.lexists(os.path.join(src, name))]


def walk_files(src: str):
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in WALK_SKIP_DIRS and not d.startswith('.venv'))
        rel_dir = os.path.relpath(dirpath, src)
        if rel_dir in ('tests/output',):
            dirnames[:] = []
            continue
        for filename in sorted(filenames):
            if filename.endswith(('.pyc', '.pyo')):
                continue
            yield os.path.normpath(os.path.join(rel_dir, filename))


def same(src_path: str, dest_path: str) -> bool:
    if os.path.islink(src_path) or os.path.islink(dest_path):
        return os.path.islink(src_path) and os.path.islink(dest_path) and os.readlink(src_path) == os.readlink(dest_path)
    if not os.path.isfile(dest_path):
        return False
    if stat.S_IMODE(os.stat(src_path).st_mode) != stat.S_IMODE(os.stat(dest_path).st_mode):
        return False
    return filecmp.cmp(src_path, dest_path, shallow=False)


def remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def sync(src: str, dest: str) -> tuple[int, int, int]:
    files = [f for f in list_files(src) if not f.startswith(KEEP_PREFIXES) and f != '.git']
    wanted = set(files)
    copied = unchanged = removed = 0

    for rel in files:
        src_path = os.path.join(src, rel)
        dest_path = os.path.join(dest, rel)
        if same(src_path, dest_path):
            unchanged += 1
            continue
        parent = os.path.dirname(dest_path)
        if os.path.lexists(parent) and not os.path.isdir(parent):
            remove(parent)
        os.makedirs(parent, exist_ok=True)
        remove(dest_path)
        if os.path.islink(src_path):
            os.symlink(os.readlink(src_path), dest_path)
        else:
            shutil.copy2(src_path, dest_path)
        copied += 1

    # Remove whatever is no longer part of the source; tests/output/ is pruned from the walk.
    for dirpath, dirnames, filenames in os.walk(dest):
        rel_dir = os.path.relpath(dirpath, dest).replace(os.sep, '/')
        prefix = '' if rel_dir == '.' else rel_dir + '/'
        dirnames[:] = [d for d in dirnames if not (prefix + d + '/').startswith(KEEP_PREFIXES)]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            if prefix + name not in wanted:
                remove(os.path.join(dirpath, name))
                removed += 1

    # Drop folders left empty (bottom-up), keeping tests/output/ and its parents.
    for dirpath, _dirnames, _filenames in os.walk(dest, topdown=False):
        rel_dir = os.path.relpath(dirpath, dest).replace(os.sep, '/')
        if rel_dir == '.' or any(p.startswith(rel_dir + '/') or (rel_dir + '/').startswith(p) for p in KEEP_PREFIXES):
            continue
        if not os.listdir(dirpath):
            os.rmdir(dirpath)

    return copied, unchanged, removed


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    src, dest = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    if dest == src or src.startswith(dest + os.sep):
        print(f'sync_tree: refusing to mirror {src} into {dest}', file=sys.stderr)
        return 2
    os.makedirs(dest, exist_ok=True)
    copied, unchanged, removed = sync(src, dest)
    print(f'sync_tree: {dest}: {copied} copied, {unchanged} unchanged, {removed} removed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
