#!/usr/bin/env python
"""Clips/s of the training pipeline per data-loading worker, on person crops written at full size and shrunk with `ma52-crop --max-side`.

Makes one 1920x1080 source video (a moving figure on a textured background, --frames frames at --fps, mp4v as the
camera files are decoded from), writes the portrait crop box a seated person gives at 1080p (--box, 1080 high) with
`ma52.crop.write_crop` at full size and at each --max-side, then runs ma52's training pipeline
(`ma52.configs.train_pipeline`: decord decode of --clip-len frames, RandomResizedCrop, Resize to --input-size,
ColorJitterNP2, RandomErasing, Flip, FormatShape) on each crop, in this one process with one thread, as a DataLoader worker
runs it (mmengine's workers: OpenCV single-threaded; decord with one thread, mmaction2's DecordInit default). Clips/s per worker
is 1 / the CPU seconds a clip takes (what a worker with a core to itself does; the wall-clock rate, also printed, depends on what
else runs on the machine). Prints clips/s per worker, the crop's size and file size, and the
workers a GPU needs at --gpu-rates clips/s. The clips are made in a temporary folder and removed afterwards (--keep DIR keeps
them there).

Usage: python scripts/bench_data.py [--max-sides 720,640,512] [--frames 90] [--clips 12] [--json OUT] [--md OUT] [--keep DIR]
"""
import argparse, json, math, os, shutil, statistics, sys, tempfile, time
from pathlib import Path

def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--max-sides', default='720,640,512', help='comma-separated --max-side values to compare with the full-size crop')
    p.add_argument('--box', default='636,0,1284,1080', help='crop box x1,y1,x2,y2 in the 1920x1080 frame (default: 648x1080, w/h 0.6)')
    p.add_argument('--frames', type=int, default=90, help='frames per clip (default 90: 3 s at 30 fps)')
    p.add_argument('--fps', type=float, default=30.0)
    p.add_argument('--clip-len', type=int, default=32); p.add_argument('--input-size', type=int, default=224)
    p.add_argument('--clips', type=int, default=12, help='timed pipeline runs per crop size (after one untimed)')
    p.add_argument('--rounds', type=int, default=2, help='rounds over the sizes, interleaved; the fastest round counts')
    p.add_argument('--gpu-rates', default='4,8,16,32', help='GPU training rates (clips/s) to size the workers for')
    p.add_argument('--keep', type=Path, help='make the clips in this folder and keep them')
    p.add_argument('--json', type=Path); p.add_argument('--md', type=Path)
    return p.parse_args(argv)

def source_frames(n, W=1920, H=1080, seed=0):
    "A textured background and a figure that moves: frames that compress and decode like camera video more than noise does"
    import numpy as np, cv2
    rng = np.random.default_rng(seed)
    bg = cv2.GaussianBlur(rng.integers(0, 255, (H, W, 3), dtype=np.uint8), (0, 0), 3)
    for t in range(n):
        f = bg.copy()
        cx, cy = int(W/2 + 120*math.sin(t/9)), int(H/2 + 60*math.cos(t/7))
        cv2.ellipse(f, (cx, cy - 250), (70, 90), 0, 0, 360, (40, 80, 200), -1)           # head
        cv2.rectangle(f, (cx - 160, cy - 150), (cx + 160, cy + 380), (200, 120, 40), -1)  # body
        cv2.line(f, (cx - 160, cy - 100), (cx - 260 + int(80*math.sin(t/4)), cy + 150), (30, 200, 90), 40)   # a moving arm
        yield f[:, :, ::-1]

def make_clips(folder:Path, a):
    from ma52.core import write_video
    from ma52.crop import write_crop
    src = folder/'source_1920x1080.mp4'
    write_video(src, source_frames(a.frames), fps=a.fps)
    box = tuple(int(v) for v in a.box.split(','))
    clips = {}
    for s in [None] + [int(v) for v in a.max_sides.split(',') if v]:
        dst = folder/f"crop_{'full' if s is None else s}.mp4"
        write_crop(src, dst, box, a.fps, max_side=s)
        clips['full' if s is None else s] = dst
    return src, clips

def measure(clip:Path, a, n:int) -> tuple:
    "(CPU seconds, wall seconds) per clip of the training pipeline on `clip`: medians of `n`, after one untimed run"
    from mmengine.dataset import Compose
    from ma52.configs import train_pipeline
    pipe = Compose(train_pipeline(a.clip_len, a.input_size))
    sample = lambda: dict(filename=str(clip), label=0, start_index=0, modality='RGB')
    out = pipe(sample())
    assert tuple(out['inputs'].shape) == (1, 3, a.clip_len, a.input_size, a.input_size), out['inputs'].shape
    cpu, wall = [], []
    for _ in range(n):
        c0, t0 = time.process_time(), time.perf_counter(); pipe(sample())
        cpu.append(time.process_time() - c0); wall.append(time.perf_counter() - t0)
    return statistics.median(cpu), statistics.median(wall)

def main(argv=None):
    a = parse(argv)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    import cv2, torch
    cv2.setNumThreads(0); torch.set_num_threads(1)   # as in a DataLoader worker (mmengine sets opencv_num_threads=0)
    import ma52.transforms  # noqa: F401 (ColorJitterNP2 and the other ma52 transforms)
    from mmaction.utils import register_all_modules
    from ma52.crop import probe_video
    register_all_modules(init_default_scope=True)
    folder = a.keep or Path(tempfile.mkdtemp(prefix='ma52-bench-data.'))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter(); src, clips = make_clips(folder, a); made = time.perf_counter() - t0
        secs, walls = {k: float('inf') for k in clips}, {k: float('inf') for k in clips}
        for _ in range(a.rounds):
            for k, p in clips.items():
                c, w = measure(p, a, a.clips)
                secs[k], walls[k] = min(secs[k], c), min(walls[k], w)
        rates = [float(r) for r in a.gpu_rates.split(',')]
        rows = []
        for k, p in clips.items():
            info = probe_video(p)
            cps = 1/secs[k]
            rows.append(dict(max_side=k, size=list(info.size), frames=info.frames, keyframes=len(info.keyframes), file_kb=p.stat().st_size/1024, clips_s=cps, wall_clips_s=1/walls[k],
                             workers={str(r): math.ceil(r/cps) for r in rates}))
        full = rows[0]['clips_s']
        for r in rows: r['x_full'] = r['clips_s']/full
        res = dict(env=dict(cpu=os.cpu_count(), load_avg=os.getloadavg()[0], frames=a.frames, fps=a.fps, clip_len=a.clip_len,
                            input_size=a.input_size, clips=a.clips, rounds=a.rounds, box=a.box, make_s=made), rows=rows)
        md = markdown(res, rates)
        print(md)
        if a.json: a.json.parent.mkdir(parents=True, exist_ok=True); a.json.write_text(json.dumps(res, indent=1))
        if a.md: a.md.parent.mkdir(parents=True, exist_ok=True); a.md.write_text(md)
    finally:
        if not a.keep: shutil.rmtree(folder, ignore_errors=True)
    return 0

def markdown(res, rates):
    e = res['env']
    L = [f"bench_data: training pipeline ({e['clip_len']} of {e['frames']} frames at {e['fps']:g} fps -> {e['input_size']}²), one worker "
         f"(1 thread), median of {e['clips']} clips, best of {e['rounds']} rounds; load average {e['load_avg']:.1f}", '',
         '| crop | size (w×h) | keyframes | file KB | clips/s per worker (CPU) | wall clips/s | × full | ' + ' | '.join(f'workers for {r:g} clips/s' for r in rates) + ' |',
         '|---|---|---|---|---|---|---|' + '---|'*len(rates)]
    for r in res['rows']:
        name = 'full (1080 high)' if r['max_side'] == 'full' else f"--max-side {r['max_side']}"
        L.append(f"| {name} | {r['size'][0]}×{r['size'][1]} | {r['keyframes']}/{r['frames']} | {r['file_kb']:.0f} | {r['clips_s']:.2f} | {r['wall_clips_s']:.2f} | {r['x_full']:.2f} | "
                 + ' | '.join(str(r['workers'][str(x)]) for x in rates) + ' |')
    return '\n'.join(L) + '\n'

if __name__ == '__main__': sys.exit(main())
