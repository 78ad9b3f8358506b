#!/usr/bin/env python
"""Offline docs: build a browsable HTML site of every notebook into `_docs/`, usable without network access.

`make docs` uses `nbdev_docs` when `quarto` is on PATH (then `--localize` points its links at the local pages), and this
script otherwise. The notebooks are first processed by nbdev (`nbdev.serve.proc_nbs`, the step `nbdev_docs` runs before
Quarto: `show_doc` cells executed and rendered, hidden cells dropped) into `_proc/`; each is converted to HTML with
nbconvert and wrapped in a page with the navigation (every notebook, sorted by name), a search box, the page's contents
and previous/next links. Formulas become MathML at build time (`latex2mathml`), so no math script is loaded; links to
the `doc_host`/`git_url` of settings.ini become links to the local pages and to highlighted copies of the modules
(`_docs/src/*.py.html#L<line>`); `nbs/images/...` (the README's paths) become `images/...`.

`--check` fails on: a notebook without a page or missing from a page's navigation, `$...$` left unrendered in page text,
a local link, image or anchor that does not resolve, a link to the placeholder hosts, a formula that did not convert.
`--selftest` puts each of those defects into a copy of the site and shows that the check fails on it. `--readme` writes
README.md from `nbs/index.ipynb`. `--shots` screenshots every page at desktop and phone width with Chromium, when it is
installed, into `_docs/shots/`. The site needs no server: open `_docs/index.html` in a browser.
"""
import argparse, configparser, html, json, re, shutil, subprocess, sys, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC, DOCS = ROOT/'nbs', ROOT/'_proc', ROOT/'_docs'

def notebooks():
    "Notebooks that get a page: everything in nbs/ not starting with `_` or `.`, index first, then sorted by name"
    nbs = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: p.name != 'index.ipynb')

def page_name(nb: Path) -> str:
    "`04_losses.ipynb` -> `losses.html` (the numeric prefix only orders the notebooks)"
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'

def settings() -> dict:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT/'settings.ini')
    d = cfg['DEFAULT']
    return dict(doc=d.get('doc_host', '').rstrip('/') + d.get('doc_baseurl', '').rstrip('/'), host=d.get('doc_host', '').rstrip('/'),
                git=d.get('git_url', '').rstrip('/'), branch=d.get('branch', 'main'), lib=d.get('lib_path', 'ma52'))

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

# ---------------------------------------------------------------------------------------------------------------- math
CODE = re.compile(r'(```.*?```|~~~.*?~~~|`[^`\n]*`)', re.S)              # fenced blocks and code spans keep their `$`
MATH = re.compile(r'\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=[^\s\\])\$(?!\w)', re.S)
TOKEN = re.compile(r'MATHTOK(\d+)X')

class Math:
    "Formulas of one page: `$...$`/`$$...$$` in markdown are replaced by tokens, which become MathML after rendering"
    def __init__(self): self.items, self.errors = [], []
    def tokenize(self, md: str) -> str:
        parts = CODE.split(md)
        for i in range(0, len(parts), 2): parts[i] = MATH.sub(self._token, parts[i])
        return ''.join(parts)
    def _token(self, m):
        from latex2mathml.converter import convert
        tex, block = (m.group(1), True) if m.group(1) is not None else (m.group(2), False)
        try: out = convert(tex.strip(), display='block' if block else 'inline')
        except Exception as e:
            self.errors.append(f'{tex!r}: {e}')
            out = f'<code class="math-error" title="{html.escape(str(e))}">{html.escape(m.group(0))}</code>'
        self.items.append(out)
        return f'MATHTOK{len(self.items)-1}X'
    def restore(self, text: str) -> str: return TOKEN.sub(lambda m: self.items[int(m.group(1))], text)

def md_html(md: str, math: Math) -> str:
    "Markdown (with formulas) to HTML, as nbconvert renders markdown cells"
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    out = markdown2html_mistune(math.tokenize(md)).strip()
    if out.startswith('<p>') and out.endswith('</p>') and out.count('<p>') == 1: out = out[3:-4]
    return math.restore(out)

# ------------------------------------------------------------------------------------------------------ notebook prep
QUARTO_ATTRS = re.compile(r'\{(?:target|style|\.)[^}\n]*\}')   # `[source](url){target="_blank" ...}` and `{.class}`
MD_LINK = re.compile(r'\[(`?)([^\]`]+)\1\]\([^)\s]*\)')      # nbdev's links inside a signature's comments: the name alone
VAR_ARGS = [(re.compile(r'\b(\w+):VAR_POSITIONAL\b'), r'*\1'), (re.compile(r'\b(\w+):VAR_KEYWORD\b'), r'**\1')]

def collapse_cr(text: str) -> str:
    "Stream text as a terminal shows it: a line rewritten with `\\r` (progress bars) keeps only its last state"
    return '\n'.join(next((s for s in reversed(l.split('\r')) if s.strip()), '') if '\r' in l else l for l in text.split('\n'))

def prepare(nb, math: Math):
    "Quarto options we need (`echo: false` hides the source), `#|` lines and Quarto attributes dropped, formulas tokenized"
    for c in nb.cells:
        if c.cell_type == 'markdown': c.source = math.tokenize(c.source); continue
        if c.cell_type != 'code': continue
        lines = c.source.splitlines()
        if any(re.match(r'\s*#\|\s*echo:\s*false', l) for l in lines): c.metadata.setdefault('tags', []).append('remove_input')
        c.source = '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip()
        for o in c.get('outputs', []):
            if o.get('output_type') == 'stream': o['text'] = collapse_cr(o.get('text', '') if isinstance(o.get('text'), str) else ''.join(o['text']))
            md = o.get('data', {}).get('text/markdown')
            if md:
                md = QUARTO_ATTRS.sub('', md if isinstance(md, str) else ''.join(md))
                for pat, rep in VAR_ARGS: md = pat.sub(rep, md)
                md = CODE.sub(lambda m: MD_LINK.sub(r'\2', m.group(0)) if m.group(0).startswith('```') else m.group(0), md)
                o['data']['text/markdown'] = math.tokenize(md)
    nb.cells = [c for c in nb.cells if c.cell_type != 'raw' and not (c.cell_type == 'code' and not c.source and not c.get('outputs'))]
    return nb

# -------------------------------------------------------------------------------------------------- links and anchors
HEADING = re.compile(r'<h([1-6])(?: id="([^"]*)")?>(.*?)</h\1>', re.S)
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)

def strip_tags(s: str) -> str: return html.unescape(re.sub(r'<[^>]+>', '', s))

def slug(text: str) -> str:
    "Heading id as nbdev's links (and Quarto) spell it: lower case, spaces to `-`, only word characters, `.` and `-` kept"
    s = re.sub(r'\s+', '-', TOKEN.sub('', strip_tags(text)).strip().lower())
    return re.sub(r'[^\w.\-]', '', s) or 'section'

def fix_headings(body: str):
    "Give every heading a unique slug id and an anchor link; returns (body, [(level, id, text)], {old id: new id})"
    seen, toc, old = set(), [], {}
    def rep(m):
        level, oid, inner = m.group(1), m.group(2), ANCHOR_LINK.sub('', m.group(3))
        base = slug(inner); new, n = base, 1
        while new in seen: new, n = f'{base}-{n}', n + 1
        seen.add(new)
        if oid: old.setdefault(oid, new)
        toc.append((int(level), new, inner))
        return f'<h{level} id="{new}">{inner}<a class="anchor-link" href="#{new}" aria-label="link to this section">¶</a></h{level}>'
    body = HEADING.sub(rep, body)
    body = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{old.get(unquote(m.group(1)), m.group(1))}"', body)
    return body, toc, old

ATTR_URL = re.compile(r'\b(href|src)="([^"]*)"')

def localize_url(url: str, root: str, st: dict, pages: dict) -> str:
    "A link to the placeholder hosts, a notebook or `nbs/images` becomes the local file it means (relative to `root`)"
    u = html.unescape(url)
    if st['git'] and u.startswith(st['git'] + '/'):
        m = re.match(rf"{re.escape(st['git'])}/blob/[^/]+/{re.escape(st['lib'])}/([\w/]+\.py)(?:#L(\w*))?$", u)
        if m: return f'{root}src/{m.group(1).replace("/", ".")}.html' + (f'#L{m.group(2)}' if (m.group(2) or '').isdigit() else '')
        m = re.match(rf"{re.escape(st['git'])}/blob/[^/]+/nbs/([\w.-]+\.ipynb)(#.*)?$", u)
        if m and m.group(1) in pages: return f'{root}{pages[m.group(1)]}{m.group(2) or ""}'
        return url
    if st['doc'] and (u == st['doc'] or u.startswith(st['doc'] + '/')):
        rest = u[len(st['doc']):].lstrip('/')
        return root + (rest if rest and not rest.startswith('#') else 'index.html' + rest)
    if u.startswith('nbs/images/'): return root + u[len('nbs/'):]
    m = re.match(r'(?:nbs/)?([\w.-]+\.ipynb)(#.*)?$', u)
    if m and m.group(1) in pages: return root + pages[m.group(1)] + (m.group(2) or '')
    return url

def localize(text: str, root: str, st: dict, pages: dict) -> str:
    return ATTR_URL.sub(lambda m: f'{m.group(1)}="{html.escape(localize_url(m.group(2), root, st, pages), quote=True)}"', text)

def definitions(st: dict) -> dict:
    "Top-level `def`/`class`/assignment of every module: lower-case name (as nbdev's anchors) -> `src/<module>.html#L<line>`"
    out, lib = {}, ROOT/st['lib']
    for py in sorted(lib.rglob('*.py')):
        rel = py.relative_to(lib).as_posix().replace('/', '.')
        for i, l in enumerate(py.read_text(encoding='utf-8').splitlines(), 1):
            m = re.match(r'(?:async\s+)?(?:def|class)\s+(\w+)|(\w+)\s*(?::[^=]*)?=(?!=)', l)
            if m: out.setdefault((m.group(1) or m.group(2)).lower(), f'src/{rel}.html#L{i}')
    return out

def fix_anchors(files: dict, st: dict) -> int:
    "A link to `page.html#name` that has no such id (nbdev links every exported name, documented or not) goes to its source line"
    ids = {name: set(re.findall(r'\bid="([^"]*)"', text)) for name, text in files.items()}
    defs, n = definitions(st), 0
    def rep(m, root):
        nonlocal n
        page, frag = m.group(1), unquote(m.group(2))
        if page not in ids or frag in ids[page]: return m.group(0)
        low = {i.lower(): i for i in ids[page]}
        if frag.lower() in low: n += 1; return f'href="{root}{page}#{low[frag.lower()]}"'
        sym = frag.lower().split('.')[0]                           # `cls.method` -> the class
        if sym in defs: n += 1; return f'href="{root}{defs[sym]}"'
        return m.group(0)
    def src_line(m):                                         # `source` link without a line (nbdev's `#LNone`): the definition's
        nonlocal n
        d = defs.get(slug(m.group(3)).split('.')[0], '')
        if not d.startswith(m.group(1) + '#'): return m.group(0)
        n += 1; return m.group(0).replace(f'href="{m.group(1)}"', f'href="{d}"', 1)
    for name in list(files):
        files[name] = re.sub(r'<p class="source-link"><a href="(src/[\w.]+\.html)">source</a></p>\s*<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link"',
                             src_line, files[name], flags=re.S)
        root = '../' * name.count('/')
        files[name] = re.sub(rf'href="{re.escape(root)}([\w.-]+\.html)#([^"]+)"', lambda m: rep(m, root), files[name])
    return n

def source_pages(out: Path, st: dict):
    "Highlighted copies of the modules, one id per line (`#L41`), for the `source` links of `show_doc`"
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    (out/'src').mkdir(parents=True, exist_ok=True)
    lib, n = ROOT/st['lib'], 0
    for py in sorted(lib.rglob('*.py')):
        rel = py.relative_to(lib).as_posix()
        code = highlight(py.read_text(encoding='utf-8'), PythonLexer(), HtmlFormatter(linenos='inline', linespans='L', wrapcode=True))
        code = re.sub(r'<span id="L-(\d+)">', r'<span id="L\1">', code)
        title = f'{st["lib"]}/{rel}'
        nbs = dict.fromkeys(re.findall(r'^# %% \.\./nbs/([\w.-]+\.ipynb)', py.read_text(encoding='utf-8'), flags=re.M))
        made = ', '.join(f'<a href="../{page_name(Path(n))}">{html.escape(n)}</a>' for n in nbs if (NBS/n).exists())
        body = (f'<h1>{html.escape(title)}</h1><p class="description">written by nbdev_export from '
                f'{made or "the notebooks"}: edit the notebook, not this file</p>{code}')
        (out/'src'/f'{rel.replace("/", ".")}.html').write_text(page_html(title, body, '../', '', '', '', ''), encoding='utf-8')
        n += 1
    return n

# ---------------------------------------------------------------------------------------------------------------- page
def page_html(title, body, root, nav, toc, pager, desc) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)} – ma52</title>'
            f'<link rel="stylesheet" href="{root}site.css"><script src="{root}search.js" defer></script>'
            f'<script src="{root}site.js" defer></script></head><body data-root="{root}"{"" if nav else " class=bare"}>'
            f'<header class="top"><a class="brand" href="{root}index.html">ma52</a>'
            f'<div class="search"><input id="search" type="search" placeholder="Search the docs" aria-label="Search the docs" autocomplete="off">'
            f'<div id="search-results" hidden></div></div></header><div class="layout">{nav}{toc}'
            f'<main>{desc}{body}{pager}</main></div></body></html>')

def toc_html(toc) -> str:
    items = [(l, i, t) for l, i, t in toc if l in (2, 3)]
    if not items: return ''
    lis = ''.join(f'<li class="l{l}"><a href="#{i}">{strip_tags_keep_math(t)}</a></li>' for l, i, t in items)
    return f'<aside class="toc"><details open><summary>On this page</summary><ul>{lis}</ul></details></aside>'

def strip_tags_keep_math(s: str) -> str:
    "Heading text for the contents: tags dropped except formulas"
    parts = re.split(r'(<math.*?</math>)', s, flags=re.S)
    return ''.join(p if p.startswith('<math') else html.escape(strip_tags(p)) for p in parts)

def search_entries(body: str, page: str, title: str) -> list:
    "One search entry per section (split at h1-h3): page#id, 'title › heading', plain text"
    body = re.sub(r'<(script|style)\b.*?</\1>', ' ', body, flags=re.S)
    cuts = [(m.start(), m.group(1), strip_tags(ANCHOR_LINK.sub('', m.group(2)))) for m in re.finditer(r'<h[1-3] id="([^"]*)">(.*?)</h[1-3]>', body, re.S)]
    cuts = [(0, '', title)] + cuts
    out = []
    for (a, hid, head), nxt in zip(cuts, cuts[1:] + [(len(body), '', '')]):
        text = re.sub(r'\s+', ' ', strip_tags(re.sub(r'<math\b.*?</math>', ' ', body[a:nxt[0]], flags=re.S))).strip()
        if text or hid: out.append(dict(u=page + (f'#{hid}' if hid else ''), h=title if head == title else f'{title} › {head}', t=text[:3000]))
    return out

def render(proc_nb: Path, math: Math) -> str:
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    nb = prepare(nbformat.read(proc_nb, as_version=4), math)
    cfg = Config()
    cfg.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    cfg.TagRemovePreprocessor.enabled = True
    exp = HTMLExporter(config=cfg, template_name='basic', exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exp.from_notebook_node(nb)
    return body

def render_page(a):
    "One notebook page's body, contents, heading + description and formula errors (run in a worker process)"
    proc_nb, title, desc, st, pages = a
    if not proc_nb.exists(): raise FileNotFoundError(f'{proc_nb} is missing: nbdev did not process {proc_nb.name} (run without --no-proc)')
    math = Math()
    body, toc, _ = fix_headings(render(proc_nb, math))
    body = re.sub(r'<p><a href="([^"]*/blob/[^"]*)">source</a></p>', r'<p class="source-link"><a href="\1">source</a></p>', body)
    body = math.restore(localize(body, '', st, pages))
    d = f'<h1 class="title">{html.escape(title)}</h1>' + (f'<p class="description">{md_html(desc, math)}</p>' if desc else '')
    return body, toc, d, math.errors

def build(n_workers: int = 2, proc: bool = True):
    import os
    t0 = time.time()
    os.environ['PYTHONWARNINGS'] = 'ignore:Found cells containing imports:UserWarning'   # nbdev's FAQ note, once per cell
    from nbdev.serve import proc_nbs
    import nbformat
    from pygments.formatters import HtmlFormatter
    if proc:
        # force: nbdev skips notebooks older than their processed copy, whose show_doc source lines then go stale when another
        # notebook's module changes (a link to `demo.py#L504` after demo.py shrank); every page is processed again
        try: proc_nbs(path=str(NBS), n_workers=n_workers, force=True)
        except Exception as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            sys.exit(f'build_docs: nbdev could not process the notebooks: {msg}\n(nbdev runs every cell that contains an '
                     f'import while processing docs: keep imports in cells of their own, and run the cell it names)')
    st, nbs = settings(), notebooks()
    pages = {nb.name: page_name(nb) for nb in nbs}
    metas = [(nb, pages[nb.name], *frontmatter(nbformat.read(nb, as_version=4))) for nb in nbs]
    tmp = DOCS.with_name('_docs.tmp')
    shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir()
    search, errors, files = [], [], {}
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max(1, n_workers)) as ex:
        done = list(ex.map(render_page, [(PROC/nb.name, title or nb.stem, desc, st, pages) for nb, _, title, desc in metas]))
    for k, ((nb, page, title, desc), (body, toc, d, errs)) in enumerate(zip(metas, done)):
        title = title or nb.stem
        errors += [f'{nb.name}: formula {e}' for e in errs]
        links = ''.join(f'<li><a href="{p}"{" class=current aria-current=page" if p == page else ""}>{html.escape(t or n.stem)}</a></li>'
                        for n, p, t, _ in metas)
        nav = f'<nav class="sidebar"><details open><summary>Pages</summary><ul>{links}</ul></details></nav>'
        prev, nxt = (metas[k-1] if k else None), (metas[k+1] if k + 1 < len(metas) else None)
        pager = ('<footer class="pager">' + (f'<a class="prev" href="{prev[1]}">← {html.escape(prev[2] or prev[0].stem)}</a>' if prev else '<span></span>')
                 + (f'<a class="next" href="{nxt[1]}">{html.escape(nxt[2] or nxt[0].stem)} →</a>' if nxt else '') + '</footer>')
        files[page] = page_html(title, body, '', nav, toc_html(toc), pager, d)
        search += search_entries(body, page, title)
    n_fixed = fix_anchors(files, st)
    for page, text in files.items(): (tmp/page).write_text(text, encoding='utf-8')
    if (NBS/'images').is_dir(): shutil.copytree(NBS/'images', tmp/'images')
    n_src = source_pages(tmp, st)
    (tmp/'site.css').write_text(CSS + HtmlFormatter().get_style_defs('.highlight'), encoding='utf-8')
    (tmp/'site.js').write_text(JS, encoding='utf-8')
    (tmp/'search.js').write_text('window.MA52_SEARCH=' + json.dumps(search, ensure_ascii=False, separators=(',', ':')) + ';\n', encoding='utf-8')
    shutil.rmtree(DOCS, ignore_errors=True)
    tmp.rename(DOCS)
    for e in errors: print(e)
    size = sum(p.stat().st_size for p in DOCS.rglob('*') if p.is_file())
    print(f'_docs: {len(metas)} pages + {n_src} source pages, {len(search)} search entries, {n_fixed} links to undocumented names sent to their source, {size/1e6:.1f} MB, '
          f'{time.time()-t0:.0f} s (offline renderer; `quarto` not found)')

def localize_dir():
    "After `nbdev_docs` (Quarto): point placeholder-host links at the local pages, add the source pages and images"
    st, pages = settings(), {nb.name: page_name(nb) for nb in notebooks()}
    files = {f.relative_to(DOCS).as_posix(): f.read_text(encoding='utf-8') for f in DOCS.rglob('*.html')
             if f.relative_to(DOCS).parts[0] != 'src'}
    files = {n: localize(t, '../' * n.count('/'), st, pages) for n, t in files.items()}
    fix_anchors(files, st)
    for n, t in files.items(): (DOCS/n).write_text(t, encoding='utf-8')
    if (NBS/'images').is_dir(): shutil.copytree(NBS/'images', DOCS/'images', dirs_exist_ok=True)
    from pygments.formatters import HtmlFormatter
    if not (DOCS/'site.css').exists(): (DOCS/'site.css').write_text(CSS + HtmlFormatter().get_style_defs('.highlight'), encoding='utf-8')
    for name, text in (('site.js', JS), ('search.js', 'window.MA52_SEARCH=[];\n')):
        if not (DOCS/name).exists(): (DOCS/name).write_text(text, encoding='utf-8')
    print(f'_docs: links localized, {source_pages(DOCS, st)} source pages')

# --------------------------------------------------------------------------------------------------------------- check
class Page(HTMLParser):
    "What the check needs of one HTML page: ids, links (in the navigation or not) and the text outside code and math"
    SKIP = {'pre', 'code', 'script', 'style', 'math', 'textarea', 'svg'}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.nav_links, self.text, self.math_errors = set(), [], [], [], 0
        self.depth = dict.fromkeys(self.SKIP | {'nav'}, 0)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.depth: self.depth[tag] += 1
        for k in ('id',) + (('name',) if tag == 'a' else ()):
            if a.get(k): self.ids.add(a[k])
        if 'math-error' in (a.get('class') or ''): self.math_errors += 1
        for k in ('href', 'src'):
            if a.get(k) is not None and tag in ('a', 'link', 'img', 'script', 'source', 'iframe', 'video', 'audio'):
                self.links.append((tag, a[k]))
                if self.depth['nav'] and tag == 'a': self.nav_links.append(a[k])
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.depth: self.depth[tag] -= 1
    def handle_endtag(self, tag):
        if tag in self.depth and self.depth[tag]: self.depth[tag] -= 1
    def handle_data(self, data):
        if not any(self.depth[t] for t in self.SKIP): self.text.append(data)

def parse(f: Path) -> Page:
    p = Page(); p.feed(f.read_text(encoding='utf-8')); p.close(); return p

def check(verbose: bool = True, docs: Path = DOCS) -> int:
    DOCS = docs
    index = DOCS/'index.html'
    if not index.exists(): print(f'{index} is missing: run `make docs`'); return 1
    st, bad = settings(), []
    hosts = [h for h in (st['host'], st['git']) if h]
    files = sorted(DOCS.rglob('*.html'))
    parsed = {f.resolve(): parse(f) for f in files}
    nbs = notebooks()
    for nb in nbs:
        names = {page_name(nb), nb.stem + '.html'}
        if not any((DOCS/n).exists() for n in names): bad.append(f'{nb.name}: no page in _docs/ (looked for {sorted(names)})')
    n_links = 0
    for f, p in parsed.items():
        rel = f.relative_to(DOCS.resolve()).as_posix()
        if p.math_errors: bad.append(f'{rel}: {p.math_errors} formula(s) that did not convert')
        text = ' '.join(p.text)
        for m in MATH.finditer(text): bad.append(f'{rel}: unrendered formula {m.group(0)[:60]!r}')
        for tag, url in p.links:
            n_links += 1
            if any(url.startswith(h) for h in hosts): bad.append(f'{rel}: link to the placeholder host: {url}'); continue
            sp = urlsplit(url)
            if sp.scheme or url.startswith('//'): continue                    # http(s), data:, mailto: ...
            target = (f.parent/unquote(sp.path)).resolve() if sp.path else f
            if sp.path and not target.exists(): bad.append(f'{rel}: <{tag}> {url}: {unquote(sp.path)} does not exist'); continue
            if sp.fragment and target.suffix == '.html':
                tp = parsed.get(target) or parse(target)
                if unquote(sp.fragment) not in tp.ids: bad.append(f'{rel}: {url}: no id "{unquote(sp.fragment)}" in {target.name}')
        if p.nav_links and not rel.startswith('src/'):
            navs = {(f.parent/unquote(urlsplit(u).path)).resolve() for u in p.nav_links if not urlsplit(u).scheme}
            for nb in nbs:
                if not any((DOCS/n).resolve() in navs for n in (page_name(nb), nb.stem + '.html')):
                    bad.append(f'{rel}: the navigation does not list {nb.name}')
    if not parsed[index.resolve()].nav_links: bad.append('index.html: no navigation (<nav>) found')
    for b in bad[:200] if verbose else []: print(b)
    if len(bad) > 200: print(f'... and {len(bad) - 200} more')
    print(f'docs check: {len(nbs)} notebooks, {len(files)} HTML files, {n_links} links/images, {len(bad)} problems')
    return 1 if bad else 0

def selftest() -> int:
    "The check must fail on each kind of defect: each is put into a copy of _docs/ and the check run on it"
    import tempfile
    st, pages = settings(), {'04_losses.ipynb': 'losses.html'}
    assert collapse_cr('\rtoy: 10%\rtoy: 100%\nnext line\n\r') == 'toy: 100%\nnext line\n', 'collapse_cr'
    m = Math(); t = m.tokenize('a $x_i$ b `$code$` c\n\n$$\\sum_i p_i$$\n\n```\n$y$\n```')
    assert t.count('MATHTOK') == 2 and '`$code$`' in t and '\n$y$\n' in t and '<math' in m.restore(t), f'Math.tokenize: {t!r}'
    assert (slug('CrossEntropyF1Loss'), slug('Soft F1'), slug('<code>_bounded</code>')) == ('crossentropyf1loss', 'soft-f1', '_bounded'), 'slug'
    for url, want in ((f"{st['doc']}/losses.html#soft_f1", 'losses.html#soft_f1'), (f"{st['doc']}/", 'index.html'),
                      (f"{st['git']}/blob/main/{st['lib']}/losses.py#L41", 'src/losses.py.html#L41'),
                      (f"{st['git']}/blob/main/{st['lib']}/losses.py#LNone", 'src/losses.py.html'),
                      ('nbs/images/demo.png', 'images/demo.png'), ('04_losses.ipynb#x', 'losses.html#x'), ('https://pytorch.org/', 'https://pytorch.org/')):
        assert localize_url(url, '', st, pages) == want, f'localize_url({url!r}) = {localize_url(url, "", st, pages)!r}, not {want!r}'
    if check(False) != 0: print('selftest: _docs/ does not pass the check to begin with'); return 1
    defects = {'unrendered inline formula': ('losses.html', '</main>', '<p>so $x_i + 1$ here</p></main>'),
               'unrendered display formula': ('losses.html', '</main>', '<p>$$\\sum_i p_i$$</p></main>'),
               'missing page': ('losses.html', '</main>', '<a href="nosuch.html">x</a></main>'),
               'missing anchor': ('losses.html', '</main>', '<a href="core.html#no-such-anchor">x</a></main>'),
               'missing image': ('index.html', '</main>', '<img src="images/nosuch.png" alt="x"></main>'),
               'placeholder doc host': ('index.html', '</main>', f'<a href="{st["doc"]}/losses.html">x</a></main>'),
               'placeholder git host': ('index.html', '</main>', f'<a href="{st["git"]}/blob/main/README.md">x</a></main>'),
               'page missing from the navigation': ('core.html', '<li><a href="losses.html">', '<li><a href="losses.htm">'),
               'formula that did not convert': ('core.html', '</main>', '<code class="math-error">$\\bad$</code></main>')}
    failed = []
    with tempfile.TemporaryDirectory() as d:
        for what, (page, old, new) in defects.items():
            tmp = Path(d)/'docs'
            shutil.rmtree(tmp, ignore_errors=True); shutil.copytree(DOCS, tmp, ignore=shutil.ignore_patterns('shots'))
            t = (tmp/page).read_text(encoding='utf-8')
            assert old in t, f'selftest: {old!r} not in {page}'
            (tmp/page).write_text(t.replace(old, new, 1), encoding='utf-8')
            if check(False, tmp) == 0: failed.append(what)
    for f in failed: print(f'selftest: the check PASSED a site with: {f}')
    print(f'docs selftest: {len(defects) - len(failed)} of {len(defects)} defects caught')
    return 1 if failed else 0

# --------------------------------------------------------------------------------------------------------------- shots
def shots(out: Path = DOCS/'shots', widths=((1280, 'desktop'), (420, 'phone')), height: int = 2200) -> int:
    "Screenshots of every page (top `height` px) at desktop and phone width with headless Chromium, if installed"
    exe = next((shutil.which(n) for n in ('chromium', 'chromium-browser', 'google-chrome', 'chrome', 'chromium-headless-shell')
                if shutil.which(n)), None)
    if exe is None: print('docs-shots: no chromium/chrome on PATH (Debian: apt install chromium); nothing done'); return 0
    if not (DOCS/'index.html').exists(): print('docs-shots: _docs/ is missing: run `make docs` first'); return 1
    shutil.rmtree(out, ignore_errors=True); out.mkdir()
    pages = [page_name(nb) for nb in notebooks() if (DOCS/page_name(nb)).exists()]
    for page in pages:
        for w, label in widths:
            png = out/f'{Path(page).stem}-{label}.png'
            cmd = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
                   f'--window-size={w},{height}', f'--screenshot={png}', (DOCS/page).resolve().as_uri()]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if not png.exists(): print(f'docs-shots: {page} at {w}px failed: {r.stderr.strip()[-300:]}'); return 1
    print(f'docs-shots: {2*len(pages)} screenshots in {out.relative_to(ROOT)}/ (top {height} px of each page)')
    return 0

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

# ---------------------------------------------------------------------------------------------------------- site files
CSS = """
*{box-sizing:border-box}
html{scroll-padding-top:3.6rem}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.55;color:#222;background:#fff}
a{color:#1f5b99}
header.top{position:sticky;top:0;z-index:10;display:flex;gap:1rem;align-items:center;height:3rem;padding:0 1rem;background:#1f4e79;color:#fff}
header.top .brand{color:#fff;font-weight:700;font-size:1.2rem;text-decoration:none}
.search{position:relative;flex:1;max-width:32rem}
#search{width:100%;padding:.35rem .6rem;border-radius:4px;border:0;font-size:1rem}
#search-results{position:absolute;top:2.4rem;left:0;right:0;max-height:70vh;overflow:auto;background:#fff;color:#222;
  border:1px solid #ccc;border-radius:4px;box-shadow:0 4px 16px rgba(0,0,0,.2)}
#search-results a{display:block;padding:.45rem .7rem;text-decoration:none;border-bottom:1px solid #eee;color:#222}
#search-results a:hover,#search-results a.sel{background:#eef4fa}
#search-results b{color:#1f4e79} #search-results small{display:block;color:#555;overflow:hidden;text-overflow:ellipsis}
#search-results .none{padding:.5rem .7rem;color:#555}
.layout{display:grid;grid-template-columns:15rem minmax(0,1fr) 15rem;grid-template-areas:"nav main toc";align-items:start}
nav.sidebar{grid-area:nav;position:sticky;top:3rem;max-height:calc(100vh - 3rem);overflow:auto;background:#f6f7f9;
  border-right:1px solid #ddd;padding:.8rem}
aside.toc{grid-area:toc;position:sticky;top:3rem;max-height:calc(100vh - 3rem);overflow:auto;padding:.8rem;font-size:.88rem}
nav ul,aside ul{list-style:none;margin:.4rem 0;padding:0}
nav a{display:block;padding:.2rem .4rem;text-decoration:none;border-radius:4px}
nav a.current{background:#dbe7f3;font-weight:600}
aside.toc a{display:block;padding:.1rem .3rem;text-decoration:none;overflow-wrap:anywhere}
aside.toc li.l3{padding-left:.9rem}
summary{cursor:pointer;font-weight:600;color:#444}
main{grid-area:main;min-width:0;max-width:62rem;padding:1rem 2rem 2rem}
main p,main li,main h1,main h2,main h3,main h4,main td{overflow-wrap:anywhere}
h1.title{margin:.4rem 0 .2rem} .description{font-size:1.15rem;color:#555;margin-top:0}
h1,h2,h3,h4{line-height:1.25} h2{margin-top:2rem;border-bottom:1px solid #e3e3e3;padding-bottom:.2rem}
.anchor-link{visibility:hidden;margin-left:.3rem;text-decoration:none;color:#999}
h1:hover .anchor-link,h2:hover .anchor-link,h3:hover .anchor-link,h4:hover .anchor-link{visibility:visible}
pre{background:#f4f5f7;padding:.6rem;overflow:auto;border-radius:4px;font-size:.87rem;line-height:1.4}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
:not(pre)>code{font-size:.88em;background:#f1f3f5;padding:.05em .25em;border-radius:3px}
.output_stream pre,.output_text pre{background:#fff;border-left:3px solid #f0b49a;max-height:32rem;margin-top:0}
.output_stderr pre{border-left-color:#c9302c;background:#fff8f7}
.output_subarea{overflow-x:auto}
.cell{margin:.5rem 0} .input_area pre{margin-bottom:.3rem}
img{max-width:100%;height:auto}
table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%} td,th{border:1px solid #ccc;padding:.2rem .5rem}
math[display=block]{display:block;overflow-x:auto;overflow-y:hidden;margin:.8rem 0;font-size:1.1em}
.source-link{float:right;font-size:.85rem;margin:.2rem 0 0 .5rem}
.math-error{color:#b00}
footer.pager{display:flex;justify-content:space-between;gap:1rem;margin-top:3rem;padding-top:1rem;border-top:1px solid #ddd}
footer.pager a{text-decoration:none;font-weight:600}
.linenos{color:#999;user-select:none;padding-right:.6rem}
.highlight span[id]:target{background:#fff3b0}
body.bare .layout{display:block} body.bare main{max-width:none}
@media (max-width:1200px){
  .layout{grid-template-columns:14rem minmax(0,1fr);grid-template-areas:"nav toc" "nav main"}
  aside.toc{position:static;max-height:none;padding:.6rem 2rem 0}
  aside.toc ul{columns:2}
}
@media (max-width:760px){
  .layout{display:block}
  nav.sidebar{position:static;max-height:none;border-right:0;border-bottom:1px solid #ddd;padding:.5rem 1rem}
  aside.toc{padding:.5rem 1rem 0} aside.toc ul{columns:1}
  main{padding:.5rem 1rem 1.5rem}
  header.top{gap:.6rem;padding:0 .6rem}
  .source-link{float:none;margin:0}
  math:not([display=block]){display:inline-block;max-width:100%;overflow-x:auto;overflow-y:hidden;vertical-align:bottom}
}
"""

JS = r"""
(function(){
  // narrow screens: the page list and the contents start folded
  if (window.matchMedia('(max-width:760px)').matches)
    document.querySelectorAll('nav.sidebar details, aside.toc details').forEach(function(d){ d.open = false; });
  var box = document.getElementById('search'), out = document.getElementById('search-results');
  if (!box) return;
  var root = document.body.getAttribute('data-root') || '';
  function esc(s){ return s.replace(/[&<>"]/g, function(c){ return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function snippet(t, w){ var i = t.toLowerCase().indexOf(w); if (i < 0) i = 0;
    var a = Math.max(0, i - 60); return (a ? '…' : '') + t.slice(a, a + 180) + (a + 180 < t.length ? '…' : ''); }
  function run(){
    var q = box.value.toLowerCase().trim(), idx = window.MA52_SEARCH || [];
    if (q.length < 2) { out.hidden = true; return; }
    var terms = q.split(/\s+/), res = [];
    idx.forEach(function(d){
      var h = d.h.toLowerCase(), t = d.t.toLowerCase(), s = 0;
      for (var k = 0; k < terms.length; k++) {
        var w = terms[k], inH = h.indexOf(w) >= 0, n = t.split(w).length - 1;
        if (!inH && !n) return;
        s += (inH ? 20 : 0) + Math.min(n, 10);
      }
      res.push([s, d]);
    });
    res.sort(function(a, b){ return b[0] - a[0]; });
    out.innerHTML = res.length ? res.slice(0, 40).map(function(r, i){
      return '<a href="' + root + r[1].u + '"' + (i ? '' : ' class="sel"') + '><b>' + esc(r[1].h) + '</b><small>' + esc(snippet(r[1].t, terms[0])) + '</small></a>';
    }).join('') : '<div class="none">no match</div>';
    out.hidden = false;
  }
  box.addEventListener('input', run);
  box.addEventListener('keydown', function(e){
    if (e.key === 'Escape') { out.hidden = true; box.blur(); }
    if (e.key === 'Enter') { var a = out.querySelector('a'); if (a) window.location.href = a.href; }
  });
  document.addEventListener('click', function(e){ if (!out.contains(e.target) && e.target !== box) out.hidden = true; });
  document.addEventListener('keydown', function(e){ if (e.key === '/' && document.activeElement !== box) { e.preventDefault(); box.focus(); } });
})();
"""

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='only check _docs/ (links, anchors, images, formulas, navigation)')
    ap.add_argument('--readme', action='store_true', help='only write README.md from nbs/index.ipynb')
    ap.add_argument('--localize', action='store_true', help='only point the links of a Quarto-built _docs/ at local files')
    ap.add_argument('--selftest', action='store_true', help='only show that the check fails on each kind of defect')
    ap.add_argument('--shots', action='store_true', help='only screenshot _docs/ pages with headless Chromium (if installed)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--no-proc', action='store_true', help='reuse _proc/ as it is (quick re-render while working on this script)')
    a = ap.parse_args()
    if a.check: sys.exit(check())
    if a.readme: readme(); sys.exit(0)
    if a.localize: localize_dir(); sys.exit(0)
    if a.shots: sys.exit(shots())
    if a.selftest: sys.exit(selftest())
    build(a.workers, proc=not a.no_proc)
