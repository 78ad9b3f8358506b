#!/usr/bin/env python
"""Offline docs: build a browsable HTML site of every notebook into `_docs/` without Quarto.

`make docs` uses `nbdev_docs` when `quarto` is on PATH, and this script otherwise. The notebooks are first processed by
nbdev (`nbdev.serve.proc_nbs`, the same step `nbdev_docs` runs before Quarto: `show_doc` cells are executed and rendered,
hidden cells dropped) into `_proc/`, then each is converted to HTML with nbconvert and wrapped in a page with a navigation
sidebar linking every notebook page. `--check` verifies that every notebook has a page and that `index.html` links it.
`--readme` writes README.md from `nbs/index.ipynb` (what `nbdev_readme` does with Quarto).
"""
import argparse, html, re, shutil, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC, DOCS = ROOT/'nbs', ROOT/'_proc', ROOT/'_docs'

def notebooks():
    "Notebooks that get a page: everything in nbs/ not starting with `_` or `.`, index first"
    nbs = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: p.name != 'index.ipynb')

def page_name(nb: Path) -> str:
    "`04_losses.ipynb` -> `losses.html` (the numeric prefix only orders the notebooks)"
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'

def frontmatter(nb):
    "Title and description from nbdev's processed frontmatter (raw `---` cell) or the first `# title` / `> summary` cell"
    import yaml
    for c in nb.cells:
        src = c.source.strip()
        if c.cell_type == 'raw' and src.startswith('---'):
            fm = yaml.safe_load(src.strip('-\n')) or {}
            return fm.get('title', ''), fm.get('description', '')
        if c.cell_type == 'markdown' and src.startswith('# '):
            lines = src.splitlines()
            desc = next((l[1:].strip() for l in lines[1:] if l.startswith('>')), '')
            return lines[0][2:].strip(), desc
    return '', ''

CSS = """
body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;line-height:1.5;color:#222}
nav{position:fixed;top:0;left:0;bottom:0;width:15rem;overflow:auto;background:#f6f7f9;border-right:1px solid #ddd;padding:1rem}
nav a{display:block;padding:.2rem .3rem;color:#1f4e79;text-decoration:none;border-radius:4px}
nav a.current{background:#dbe7f3;font-weight:600} nav h2{font-size:1.1rem;margin:.2rem 0 1rem}
main{margin-left:17rem;max-width:60rem;padding:1rem 2rem}
pre{background:#f4f4f4;padding:.6rem;overflow:auto;border-radius:4px}
.jp-OutputArea-output pre, .output pre{background:#fff;border-left:2px solid lightsalmon}
img{max-width:100%} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.2rem .5rem}
.description{font-style:italic;font-size:1.2rem;opacity:.75}
"""

QUARTO_ATTRS = re.compile(r'\{(?:target|style|\.)[^}\n]*\}')   # `[source](url){target="_blank" ...}` and `{.class}`

def strip_directives(nb):
    "Apply the Quarto cell options we need (`echo: false` hides the source) and drop `#|` lines and Quarto attributes"
    for c in nb.cells:
        if c.cell_type != 'code': continue
        lines = c.source.splitlines()
        if any(re.match(r'\s*#\|\s*echo:\s*false', l) for l in lines): c.metadata.setdefault('tags', []).append('remove_input')
        c.source = '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip()
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md: o['data']['text/markdown'] = QUARTO_ATTRS.sub('', md if isinstance(md, str) else ''.join(md))
    nb.cells = [c for c in nb.cells if not (c.cell_type == 'code' and not c.source and not c.get('outputs'))]
    return nb

def render(proc_nb: Path, nav: str, title: str, desc: str) -> str:
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter
    nb = strip_directives(nbformat.read(proc_nb, as_version=4))
    nb.cells = [c for c in nb.cells if c.cell_type != 'raw']
    from traitlets.config import Config
    cfg = Config()
    cfg.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    cfg.TagRemovePreprocessor.enabled = True
    exp = HTMLExporter(config=cfg, template_name='basic', exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exp.from_notebook_node(nb)
    head = f'<h1>{html.escape(title)}</h1>' + (f'<p class="description">{html.escape(desc)}</p>' if desc else '')
    css = CSS + HtmlFormatter().get_style_defs('.highlight')
    mathjax = ('<script>window.MathJax={tex:{inlineMath:[["$","$"],["\\\\(","\\\\)"]]}};</script>'
               '<script async src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>')
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)} – ma52</title>'
            f'<style>{css}</style>{mathjax}</head><body>{nav}<main>{head}{body}</main></body></html>')

def build(n_workers: int = 2):
    import os
    os.environ['PYTHONWARNINGS'] = 'ignore:Found cells containing imports:UserWarning'   # nbdev's FAQ note, once per cell
    from nbdev.serve import proc_nbs
    import nbformat
    proc_nbs(path=str(NBS), n_workers=n_workers)
    pages = []
    for nb in notebooks():
        title, desc = frontmatter(nbformat.read(nb, as_version=4))
        pages.append((nb, page_name(nb), title or nb.stem, desc))
    tmp = DOCS.with_name('_docs.tmp')
    shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir()
    for nb, page, title, desc in pages:
        links = ''.join(f'<a href="{p}"{" class=current" if p == page else ""}>{html.escape(t)}</a>' for _, p, t, _ in pages)
        nav = f'<nav><h2><a href="index.html">ma52</a></h2>{links}</nav>'
        (tmp/page).write_text(render(PROC/nb.name, nav, title, desc), encoding='utf-8')
    shutil.rmtree(DOCS, ignore_errors=True)
    tmp.rename(DOCS)
    size = sum(p.stat().st_size for p in DOCS.rglob('*') if p.is_file())
    print(f'_docs: {len(pages)} pages, {size/1e6:.1f} MB (offline renderer; `quarto` not found)')

def check() -> int:
    index = DOCS/'index.html'
    if not index.exists(): print(f'{index} is missing: run `make docs`'); return 1
    text, bad = index.read_text(encoding='utf-8'), []
    for nb in notebooks():
        names = {page_name(nb), nb.stem + '.html'}
        page = next((n for n in names if (DOCS/n).exists()), None)
        if page is None: bad.append(f'{nb.name}: no page in _docs/ (looked for {sorted(names)})')
        elif nb.name != 'index.ipynb' and f'href="{page}"' not in text: bad.append(f'{nb.name}: index.html does not link {page}')
    for b in bad: print(b)
    print(f'docs check: {len(notebooks())} notebooks, {len(bad)} problems')
    return 1 if bad else 0

def readme(out: Path = ROOT/'README.md') -> str:
    "README.md from nbs/index.ipynb: its markdown and visible code cells (hidden cells and directives dropped)"
    import nbformat
    nb = nbformat.read(NBS/'index.ipynb', as_version=4)
    parts = []
    for c in nb.cells:
        src = c.source
        if c.cell_type == 'markdown': parts.append(src.strip())
        elif c.cell_type == 'code' and not re.search(r'^#\|\s*(hide|export)', src, flags=re.M):
            code = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith('#|')).strip()
            if code: parts.append(f'```python\n{code}\n```')
    text = '\n\n'.join(parts) + '\n'
    text = '<!-- generated from nbs/index.ipynb by scripts/build_docs.py --readme: edit the notebook -->\n\n' + text
    out.write_text(text, encoding='utf-8')
    return text

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='only check _docs/ against nbs/')
    ap.add_argument('--readme', action='store_true', help='only write README.md from nbs/index.ipynb')
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args()
    if a.check: sys.exit(check())
    if a.readme: readme(); sys.exit(0)
    build(a.workers)
