#!/usr/bin/env python
"""Write, near the top of each numbered notebook, what running it costs: the time `nbdev_test --timing` printed for it,
and which sections hold its `#| slow` cells (and how to skip them).

Usage: `make test 2>&1 | tee test.log; python scripts/nb_times.py test.log` (then `nbdev_clean`, review, commit).
`python scripts/nb_times.py --check` fails when a numbered notebook has no such note.
"""
import json, re, secrets, sys
from pathlib import Path

MARK = '<!-- ma52:runtime -->'
NBS = Path(__file__).resolve().parent.parent/'nbs'

def read_times(log:str) -> dict:
    "`{'04_losses.ipynb': 12, ...}` from nbdev_test's `--timing` lines (`04_losses.ipynb: 12 secs`)"
    return {m[1]: int(m[2]) for m in re.finditer(r'^(\d\w*\.ipynb): (\d+) secs?$', log, flags=re.M)}

def slow_sections(cells:list) -> list:
    "Headings (##/###) of the sections that hold `#| slow` cells, in order"
    out, heading = [], None
    for c in cells:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            hs = re.findall(r'^#{2,3} (.+)$', src, flags=re.M)
            if hs: heading = hs[-1].strip()
        elif src.lstrip().startswith('#|') and 'slow' in src.lstrip().splitlines()[0].split() and heading not in out:
            out.append(heading)
    return [h for h in out if h]

def note(name:str, secs:int, sections:list) -> str:
    took = 'a few seconds' if secs < 3 else f'about {secs} s'
    s = (f'{MARK}\n*Running this notebook top to bottom takes {took} on a 2-core CPU* (measured by `make test`, '
         'which runs two notebooks at a time: `nbdev_test --timing`).')
    if sections:
        s += (f' The slow cells (flagged `#| slow`) are in: {"; ".join(sections)}. `nbdev_test --path nbs/{name}` without '
              '`--flags slow` skips them; interactively, run the cells above them and skip those sections.')
    return s

def update(path:Path, secs:int) -> bool:
    nb = json.loads(path.read_text())
    cells = nb['cells']
    text = note(path.name, secs, slow_sections(cells))
    i = next((i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and MARK in ''.join(c['source'])), None)
    if i is None:   # after the title, `default_exp` and hidden import cells
        i = next(i for i, c in enumerate(cells) if i > 0 and not ''.join(c['source']).lstrip().startswith('#|'))
        cells.insert(i, dict(cell_type='markdown', id=secrets.token_hex(4), metadata={}, source=[]))
    if ''.join(cells[i]['source']) == text: return False
    cells[i]['source'] = text.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return True

def main(argv):
    nbs = sorted(NBS.glob('[0-9]*.ipynb'))
    if argv[:1] == ['--check']:
        missing = [p.name for p in nbs if MARK not in p.read_text()]
        if missing: print('no running-time note in:', *missing); return 1
        print(f'running-time notes: all {len(nbs)} notebooks'); return 0
    times = read_times(Path(argv[0]).read_text())
    if not times: print(f'{argv[0]}: no `NN_name.ipynb: N secs` lines (run nbdev_test with --timing)'); return 1
    for p in nbs:
        if p.name not in times: print(f'{p.name}: no time in the log, left as it is'); continue
        print(f'{p.name}: {times[p.name]} s', '(updated)' if update(p, times[p.name]) else '(unchanged)')
    return 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
