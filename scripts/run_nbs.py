#!/usr/bin/env python
"""Execute notebooks in place (all cells, as a reader would) so that their stored outputs and plots are fresh, then clean them.

Usage: `python scripts/run_nbs.py nbs/04_losses.ipynb ...` (no argument: every numbered notebook).
"""
import os, subprocess, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

def skip(source: str) -> bool:
    "The export cell, and `#| cuda` cells on a machine without CUDA (their stored outputs are left out)"
    if 'nbdev_export'+'(' in source: return True
    first = source.lstrip().splitlines()[0] if source.strip() else ''
    if first.startswith('#|') and 'cuda' in first.split():
        import torch
        return not torch.cuda.is_available()
    return False

def run_nb(path: Path):
    nb = read_nb(path)
    for c in nb.cells:   # the runner keeps a cell's old output when the cell now prints nothing
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    sh = CaptureShell(path, mpl_format='png')   # plain PNG: retina doubles every stored plot
    t0 = time.time()
    cwd = os.getcwd()
    os.chdir(path.parent)
    try: sh.run_all(nb, exc_stop=True, preproc=lambda c: skip(c.source))
    finally: os.chdir(cwd)
    write_nb(nb, path)
    print(f'{path}: executed in {time.time()-t0:.0f} s', flush=True)

def main(argv):
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    paths = [Path(a) for a in argv] or sorted(Path('nbs').glob('[0-9]*.ipynb')) + [Path('nbs/index.ipynb')]
    if len(paths) == 1: run_nb(paths[0].resolve())
    else:   # one fresh interpreter per notebook, as a reader who opens it would have
        for p in paths: subprocess.run([sys.executable, __file__, str(p)], check=True)
    subprocess.run([str(Path(sys.executable).parent/'nbdev_clean')], check=True)

if __name__ == '__main__': main(sys.argv[1:])
