#!/usr/bin/env python
"""Run `nbdev_test` over every notebook and close with a count line: `notebooks: N passed, M failed`.

Extra arguments go to `nbdev_test` unchanged (`--flags slow` runs the slow cells too; `--path nbs/04_losses.ipynb` one notebook).
"""
import re, subprocess, sys, time
from pathlib import Path

def main(argv):
    venv_bin = Path(sys.executable).parent
    cmd = [str(venv_bin/'nbdev_test'), '--do_print', '--timing', *argv]
    print('$', ' '.join(cmd), flush=True)
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    out = []
    for line in p.stdout:
        sys.stdout.write(line); sys.stdout.flush(); out.append(line)
    rc = p.wait()
    text = ''.join(out)
    started = len(re.findall(r'Starting \S+\.ipynb', text))   # not anchored: parallel notebooks' lines can run together
    failed = 0
    if 'nbdev Tests Failed On The Following Notebooks' in text:
        tail = text.split('nbdev Tests Failed On The Following Notebooks:', 1)[1]
        failed = len(re.findall(r'^\t\S+\.ipynb', tail, flags=re.M))
    if rc and not failed: failed = max(1, started)
    print(f'\nnbdev_test took {time.time()-t0:.0f} s')
    print(f'notebooks: {started-failed} passed, {failed} failed')
    return rc

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
