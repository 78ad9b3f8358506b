#!/usr/bin/env python
"""Benchmark stock `SwinTransformer3D` against `FastSwinTransformer3D` (ma52.swin) on the same weights and input, in one process.

For each variant (stock, fast, and fast + torch.compile with --compile) and each --dtypes entry (fp32; fp16/bf16 autocast):
train step (forward + backward + AdamW step, fused on CUDA) clips/s, inference clips/s, peak memory (CUDA: max allocated;
CPU: the process's peak RSS over the measurement, Linux VmHWM reset before it, and its rise over the RSS before it),
after --warmup steps, the median of --iters (on a CPU, of CPU seconds: with --threads 1 that is what a core to itself gives,
whatever else runs on the machine); --rounds interleaves the variants and keeps each one's fastest round
(the machine may be shared: other processes only ever slow a round down). The model is the backbone, a global average pool and a 52-class linear layer.
Differences against stock on the first batch (same weights, nothing updated yet): max abs/rel of the logits and of all gradients.

--check adds the numerics rule: a float64 reference (stock, on the same device); every variant's error in each dtype against it,
and `pass` when fast's error is at most 2x stock's (float32 rounding noise: see nbs/04a_swin.ipynb) and, in float64, fast equals
stock within 1e-9 relative.

Shapes: tiny (ma52's tiny backbone, 8x64x64, batch 2), swin-b-112 (Swin-B, window 16x7x7, 8x112x112, batch 1),
gpu (Swin-B, window 16x7x7, 32x224x224, batch 8).

Usage: python scripts/bench_swin.py [--shape tiny|swin-b-112|gpu] [--batch B] [--dtypes fp32,bf16] [--compile] [--check]
       [--iters 5] [--warmup 2] [--rounds 3] [--device cpu|cuda] [--json OUT.json] [--md OUT.md]
"""
import argparse, copy, ctypes, gc, json, os, re, statistics, sys, time
from pathlib import Path

SHAPES = {  # name: (backbone arguments, (T, H, W), batch)
    'tiny': (None, (8, 64, 64), 2),
    'swin-b-112': (dict(arch='base', window_size=(16, 7, 7)), (8, 112, 112), 1),
    'gpu': (dict(arch='base', window_size=(16, 7, 7)), (32, 224, 224), 8),
}
DTYPES = {'fp32': 'float32', 'fp16': 'float16', 'bf16': 'bfloat16', 'fp64': 'float64'}

def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--shape', choices=list(SHAPES), default='tiny')
    p.add_argument('--batch', type=int, help='clips per step (default: the shape\'s)')
    p.add_argument('--dtypes', default=None, help='comma-separated: fp32, fp16, bf16 (autocast) (default: fp32 on CPU, fp16,bf16 on CUDA)')
    p.add_argument('--compile', action='store_true', help='also fast + torch.compile (CPU: minutes of compiling)')
    p.add_argument('--check', action='store_true', help='numerics rule against a float64 reference')
    p.add_argument('--iters', type=int, default=5, help='timed steps per round (their median counts)')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps before them')
    p.add_argument('--rounds', type=int, default=3, help='rounds over all variants, interleaved; the fastest round counts')
    p.add_argument('--device', default=None, help='cpu or cuda (default: cuda when available)')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s)')
    p.add_argument('--json', type=Path); p.add_argument('--md', type=Path)
    return p.parse_args(argv)

# ---- memory -----------------------------------------------------------------------------------------------------
def _status(key):
    m = re.search(rf'{key}:\s+(\d+)', Path('/proc/self/status').read_text())
    return int(m[1]) / 1024 if m else float('nan')

class Peak:
    "Peak memory (MB) of what runs inside: CUDA max allocated, or the process's RSS high-water mark (reset first)"
    def __init__(self, device): self.device = device
    def __enter__(self):
        import torch
        gc.collect()
        if self.device == 'cuda': torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); self.base = torch.cuda.memory_allocated() / 2**20
        else:
            try: ctypes.CDLL('libc.so.6').malloc_trim(0)          # hand freed heap back, so the base is not what an earlier run left
            except (OSError, AttributeError): pass
            try: Path('/proc/self/clear_refs').write_text('5')   # resets VmHWM to the current RSS (Linux)
            except OSError: pass
            self.base = _status('VmRSS')
        return self
    def __exit__(self, *exc):
        import torch
        if self.device == 'cuda': torch.cuda.synchronize(); self.peak = torch.cuda.max_memory_allocated() / 2**20
        else: self.peak = _status('VmHWM')
        self.rise = self.peak - self.base

# ---- models -------------------------------------------------------------------------------------------------------
def build(shape, device):
    import torch
    from ma52.core import tiny_swin_backbone
    from ma52.swin import FastSwinTransformer3D
    from mmaction.models.backbones.swin import SwinTransformer3D
    args, _, _ = SHAPES[shape]
    if args is None: args = {k: v for k, v in tiny_swin_backbone().items() if k != 'type'}
    else: args = dict(args, pretrained=None, pretrained2d=False, patch_size=(2, 4, 4), drop_path_rate=0.0)
    torch.manual_seed(0)
    stock = SwinTransformer3D(**args)
    fast = FastSwinTransformer3D(**args); fast.load_state_dict(stock.state_dict(), strict=True)
    ch = stock.num_features[-1]
    torch.manual_seed(1); head = torch.nn.Linear(ch, 52)
    def net(bb):
        return torch.nn.Sequential(bb, torch.nn.AdaptiveAvgPool3d(1), torch.nn.Flatten(), copy.deepcopy(head)).to(device)
    return net(stock), net(fast)

def autocast(device, dtype):
    import torch, contextlib
    if dtype in ('float32', 'float64'): return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=getattr(torch, dtype))

def grads(model, x, y, device, dtype):
    import torch
    model.zero_grad(set_to_none=True)
    with autocast(device, dtype): logits = model(x)
    torch.nn.functional.cross_entropy(logits.float(), y).backward()
    return logits.detach().double(), {n: p.grad.detach().double() for n, p in model.named_parameters()}

def diff(a, b):
    return dict(abs=(a - b).abs().max().item(), rel=((a - b).abs().max() / b.abs().max().clamp_min(1e-300)).item())

def bench(model, x, y, device, dtype, iters, warmup):
    "(train clips/s, inference clips/s, peak MB, rise MB) as medians over `iters` after `warmup`"
    import torch
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    fused = device == 'cuda' and 'fused' in torch.optim.AdamW.__init__.__code__.co_varnames
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, **(dict(fused=True) if fused else {}))
    scaler = torch.amp.GradScaler(device) if dtype == 'float16' else None
    def step():
        opt.zero_grad(set_to_none=True)
        with autocast(device, dtype): loss = torch.nn.functional.cross_entropy(model(x).float(), y)
        if scaler: scaler.scale(loss).backward(); scaler.step(opt); scaler.update()
        else: loss.backward(); opt.step()
    def infer():
        with torch.inference_mode(), autocast(device, dtype): model(x)
    out = {}
    clock = time.perf_counter if device == 'cuda' else time.process_time   # CPU: CPU seconds (robust to a shared machine; use --threads 1)
    with Peak(device) as pk:
        for name, fn in (('train', step), ('infer', infer)):
            times = []
            for i in range(warmup + iters):
                sync(); t0 = clock(); fn(); sync()
                if i >= warmup: times.append(clock() - t0)
            out[name] = x.shape[0] / statistics.median(times)
    del opt; gc.collect()
    return out['train'], out['infer'], pk.peak, pk.rise

# ---- main -----------------------------------------------------------------------------------------------------------
def main(argv=None):
    a = parse(argv)
    import torch
    import ma52.swin  # noqa: F401 (registers FastSwinTransformer3D; imports mmaction through ma52)
    if a.threads: torch.set_num_threads(a.threads)
    device = a.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    dtypes = [DTYPES[d.strip()] for d in (a.dtypes or ('fp16,bf16' if device == 'cuda' else 'fp32')).split(',')]
    if device == 'cuda' and 'bfloat16' in dtypes and not torch.cuda.is_bf16_supported(): sys.exit('bench_swin: this GPU has no bfloat16')
    _, (T, H, W), batch = SHAPES[a.shape]; batch = a.batch or batch
    stock, fast = build(a.shape, device)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(batch, 3, T, H, W, generator=g).to(device); y = torch.randint(0, 52, (batch,), generator=g).to(device)
    variants = {'stock': stock, 'fast': fast}
    t_compile = None
    if a.compile:
        t0 = time.perf_counter(); comp = torch.compile(copy.deepcopy(fast))
        with autocast(device, dtypes[0]): comp(x)   # compile now, not inside the timed warm-up
        t_compile = time.perf_counter() - t0; variants['fast+compile'] = comp
    env = dict(torch=torch.__version__, device=torch.cuda.get_device_name() if device == 'cuda' else f'cpu ({torch.get_num_threads()} threads)',
               shape=a.shape, input=[batch, 3, T, H, W], iters=a.iters, warmup=a.warmup, rounds=a.rounds, compile_s=t_compile,
               load_avg=os.getloadavg()[0] if device == 'cpu' else None)
    init = copy.deepcopy(stock.state_dict())
    def reset():   # the same weights in every variant again (each benchmark's optimizer steps change them differently)
        for m in variants.values(): getattr(m, '_orig_mod', m).load_state_dict(init)
    checks = check(stock, fast, x, y, device, dtypes) if a.check else []
    rows, diffs = [], []
    for dt in dtypes:
        reset()
        ls, gs = grads(stock, x, y, device, dt)
        for name, m in variants.items():
            if name != 'stock':
                lf, gf = grads(m, x, y, device, dt)
                gf = {k.replace('_orig_mod.', ''): v for k, v in gf.items()}
                dg = [diff(gf[k], gs[k]) for k in gs]
                diffs.append(dict(variant=name, dtype=dt, logits=diff(lf, ls), grads=dict(abs=max(d['abs'] for d in dg), rel=max(d['rel'] for d in dg))))
        best = {}
        for rnd in range(a.rounds):   # rounds interleave the variants; the best round counts (other processes only slow a round down)
            for name, m in variants.items():
                reset(); tr, inf, peak, rise = bench(m, x, y, device, dt, a.iters, a.warmup)
                r = dict(variant=name, dtype=dt, train_clips_s=tr, infer_clips_s=inf, peak_mb=peak, rise_mb=rise)
                print(json.dumps(dict(r, round=rnd)), flush=True)
                b = best.setdefault(name, r)
                b['train_clips_s'], b['infer_clips_s'] = max(b['train_clips_s'], tr), max(b['infer_clips_s'], inf)
        rows += best.values()
    for r in rows:
        s = next(q for q in rows if q['variant'] == 'stock' and q['dtype'] == r['dtype'])
        r.update(train_x=r['train_clips_s'] / s['train_clips_s'], infer_x=r['infer_clips_s'] / s['infer_clips_s'], peak_x=r['peak_mb'] / s['peak_mb'])
    res = dict(env=env, rows=rows, diffs=diffs, checks=checks, ok=all(c['pass'] for c in checks))
    md = markdown(res)
    print(md)
    if a.json: a.json.parent.mkdir(parents=True, exist_ok=True); a.json.write_text(json.dumps(res, indent=1))
    if a.md: a.md.parent.mkdir(parents=True, exist_ok=True); a.md.write_text(md)
    return 0 if res['ok'] else 1

def check(stock, fast, x, y, device, dtypes):
    "Errors of stock and fast, per dtype, against stock in float64; the rule: fast <= 2x stock (float64: fast == stock within 1e-9)"
    import torch
    s64, f64 = copy.deepcopy(stock).double(), copy.deepcopy(fast).double()
    ref = grads(s64, x.double(), y, device, 'float64')
    def err(res):
        l, g = res
        return dict(logits=diff(l, ref[0])['rel'], grads=max(diff(g[k], ref[1][k])['rel'] for k in ref[1]))
    out = []
    e = err(grads(f64, x.double(), y, device, 'float64'))
    out.append(dict(dtype='float64', stock=dict(logits=0.0, grads=0.0), fast=e, **{'pass': max(e.values()) < 1e-9}))
    del s64, f64; gc.collect()
    for dt in dtypes:
        es, ef = err(grads(stock, x, y, device, dt)), err(grads(fast, x, y, device, dt))
        out.append(dict(dtype=dt, stock=es, fast=ef, **{'pass': all(ef[k] <= 2 * es[k] + 1e-12 for k in es)}))
    return out

def markdown(res):
    e = res['env']
    L = [f"bench_swin: {e['shape']} input {e['input']}, {e['device']}, torch {e['torch']}, best of {e['rounds']} interleaved rounds of the median of {e['iters']} steps after {e['warmup']} warm-up"
         + (f", compile {e['compile_s']:.0f} s" if e['compile_s'] else '')
         + (f", load average {e['load_avg']:.1f} at the start" if e.get('load_avg') is not None else ''), '',
         '| variant | dtype | train clips/s | × stock | inference clips/s | × stock | peak MB | × stock | rise MB |', '|---|---|---|---|---|---|---|---|---|']
    for r in res['rows']:
        L.append(f"| {r['variant']} | {r['dtype']} | {r['train_clips_s']:.3g} | {r['train_x']:.2f} | {r['infer_clips_s']:.3g} | {r['infer_x']:.2f} "
                 f"| {r['peak_mb']:.0f} | {r['peak_x']:.2f} | {r['rise_mb']:.0f} |")
    if res['diffs']:
        L += ['', '| variant | dtype | logits max abs | rel | grads max abs | rel |', '|---|---|---|---|---|---|']
        L += [f"| {d['variant']} | {d['dtype']} | {d['logits']['abs']:.2e} | {d['logits']['rel']:.2e} | {d['grads']['abs']:.2e} | {d['grads']['rel']:.2e} |" for d in res['diffs']]
    if res['checks']:
        L += ['', '| check vs float64 | stock logits | fast logits | stock grads | fast grads | pass |', '|---|---|---|---|---|---|']
        L += [f"| {c['dtype']} | {c['stock']['logits']:.2e} | {c['fast']['logits']:.2e} | {c['stock']['grads']:.2e} | {c['fast']['grads']:.2e} | {c['pass']} |"
              for c in res['checks']]
    return '\n'.join(L) + '\n'

if __name__ == '__main__': sys.exit(main())
