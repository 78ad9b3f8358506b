#!/usr/bin/env python
"""Fail if `nbdev_export`, `nbdev_clean` or the README build change any file: notebooks and `ma52/` in sync, notebooks clean,
README.md generated from nbs/index.ipynb."""
import hashlib, subprocess, sys
from pathlib import Path

ROOTS = ('nbs', 'ma52', 'README.md')

def snapshot():
    files = (p for r in map(Path, ROOTS) for p in ([r] if r.is_file() else r.rglob('*')) if p.is_file()
             and '__pycache__' not in p.parts and '.ipynb_checkpoints' not in p.parts and p.suffix != '.pyc')
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

def main():
    bin_ = Path(sys.executable).parent
    before = snapshot()
    for tool in ('nbdev_export', 'nbdev_clean'):
        subprocess.run([str(bin_/tool)], check=True)
    subprocess.run([sys.executable, 'scripts/build_docs.py', '--readme'], check=True)
    after = snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        print('nbdev_export / nbdev_clean changed these files (notebooks and ma52/ out of sync, or a notebook not clean):')
        for f in changed: print('  ', f)
        print('Run `make export` (nbdev_export, nbdev_clean, README), review the diff and commit it.')
        return 1
    print(f'sync check: {len(after)} files under {", ".join(ROOTS)} unchanged by nbdev_export and nbdev_clean')
    return 0

if __name__ == '__main__': sys.exit(main())
