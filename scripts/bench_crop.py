#!/usr/bin/env python
"""Benchmark `ma52-crop` on one clip: frames/s and peak RSS of

  (a) decode + crop + encode only, with the box the tool chose (the floor: what any cropping must do),
  (b) the crop tool (`crop_videos`) with K sampled detections,
  (c) the same tool and detector on every frame,

the ratios b/a and c/b (of times; (a) and (b) are the fastest of --repeat runs, as the machine may be shared), the same on a long-GOP copy of the clip (one keyframe, so the sampled
frames are decoded in order rather than sought), and the peak RSS of (b) on a 300- and a 1,200-frame clip.

The detector (--detector) is YOLOv8n built from `yolov8n.yaml` (random weights, real compute, runs offline; the
default), or an offline detector: `pose` (mediapipe BlazePose) or `haar` (OpenCV's face cascades). On the
script's own clips (a drawn figure: random YOLO weights, a pose model and a face cascade all find nobody) the
detector does its real work on each frame and then reports the figure's known box, which gives the crop size a
trained detector would (pass real YOLO weights with --weights to use their boxes instead). Clips passed by path
are measured with the detector's own boxes. The sanity check (ma52-crop's face finder) runs as in a real run.
Every measurement runs in a fresh process; peak RSS is Linux's VmHWM of that process (imports included). The
clips it makes are removed at the end unless --keep.

Usage: python scripts/bench_crop.py [--detector yolo|pose|haar] [--size 1920x1080] [--frames 300] [--long-frames 1200] [-k 8] [--keep] [CLIP ...]
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

def peak_rss_mb() -> float:
    return int(re.search(r'VmHWM:\s+(\d+)', Path('/proc/self/status').read_text())[1])/1024

# ---- child: one measurement in a fresh process ------------------------------------------------------------
def child(a):
    "Measure `a.mode` on `a.clip` `a.repeat` times in this process; print the fastest as JSON (and the peak RSS)"
    clip, out = Path(a.clip), Path(a.out)
    times = []
    for rep in range(a.repeat):
        n, box, secs = once(a, clip, out/str(rep))
        times.append(secs)
    secs = min(times)
    print(json.dumps(dict(seconds=secs, times=times, frames=n, fps=n/secs, rss_mb=peak_rss_mb(), box=list(box))))

def once(a, clip, out):
    "One measured run (the detector is built before the clock starts); returns (frames, box, seconds)"
    import numpy as np
    from ma52.crop import get_detector, crop_videos, probe_video, write_crop, read_manifest
    out.mkdir(parents=True, exist_ok=True)
    if a.mode == 'floor':
        info, box = probe_video(clip), tuple(a.box)
        t0 = time.perf_counter()
        n = write_crop(clip, out/clip.name, box, info.fps)
        secs = time.perf_counter() - t0
    else:
        det = get_detector(a.detector, weights=a.weights if a.detector == 'yolo' else None)
        if a.known_box:
            real_detect = det.detect
            def detect(frame):
                "The detector's compute, then the figure's known box (it finds nobody in a drawn figure)"
                real_detect(frame)
                W, H = a.frame_size
                x1, y1, x2, y2 = a.known_box
                sx, sy = frame.shape[1]/W, frame.shape[0]/H
                return np.array([[x1*sx, y1*sy, x2*sx, y2*sy, 1.0]])
            det.detect = detect
        det(np.zeros((64, 64, 3), np.uint8))              # warm-up: model fusing, first-call allocations
        t0 = time.perf_counter()
        (out/'list.txt').write_text(f'{clip.name} 0\n')          # just this clip, whatever else is in its folder
        s = crop_videos(clip.parent, out, list_file=out/'list.txt', detector=det, sample_frames=a.k,
                        every_frame=a.mode == 'every', progress=False)
        secs = time.perf_counter() - t0
        assert s['done'] == 1, s
        rec = read_manifest(out/'manifest.jsonl')[clip.name]
        n, box = rec['frames'], rec['box']
    return n, box, secs

def measure(mode, clip, out, k, weights, box=None, known_box=None, frame_size=None, repeat=1, detector='yolo') -> dict:
    cmd = [sys.executable, __file__, '--child', mode, '--clip', str(clip), '--out', str(out), '-k', str(k), '--weights', weights,
           '--repeat', str(repeat), '--detector', detector]
    if box: cmd += ['--box', *map(str, box)]
    if known_box: cmd += ['--known-box', *map(str, known_box), '--frame-size', *map(str, frame_size)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode: sys.exit(f'{mode} on {clip} failed:\n{r.stderr[-3000:]}')
    return json.loads(r.stdout.strip().splitlines()[-1])

# ---- the synthetic clip -------------------------------------------------------------------------------------
def make_clip(path, n, W, H, seed=0):
    "A seated red figure (moving a few pixels) on a textured background that shakes like a hand-held camera; returns the figure's box"
    import cv2, numpy as np
    from ma52.core import write_video
    rng = np.random.default_rng(seed)
    bg = cv2.resize(rng.integers(0, 256, (H//12 + 2, W//12 + 2, 3), dtype=np.uint8), (W + 24, H + 24), interpolation=cv2.INTER_CUBIC)
    box = (int(0.38*W), int(0.12*H), int(0.58*W), int(0.95*H))
    x1, y1, x2, y2 = box; w, h = x2 - x1, y2 - y1
    def frames():
        for i in range(n):
            dx, dy = int(6 + 5*np.sin(i/7)), int(6 + 5*np.cos(i/9))
            f = bg[dy:dy + H, dx:dx + W].copy()
            mx, my = int(3*np.sin(i/5)), int(3*np.cos(i/6))       # the figure sways (inside `box` +- 3 px)
            cv2.ellipse(f, (x1 + w//2 + mx, y1 + h//10 + my), (w//7, h//10), 0, 0, 360, (200, 30, 30), -1)
            cv2.rectangle(f, (x1 + w//4 + mx, y1 + h//5 + my), (x2 - w//4 + mx, y1 + 3*h//5 + my), (200, 30, 30), -1)
            cv2.rectangle(f, (x1 + mx, y1 + h//4 + my), (x2 + mx, y1 + h//3 + my), (200, 30, 30), -1)
            cv2.rectangle(f, (x1 + w//4 + mx, y1 + 3*h//5 + my), (x2 + mx, y2 - 3 + my), (200, 30, 30), -1)
            yield f
    write_video(path, frames(), 30.0)
    return (x1 - 3, y1 - 3, x2 + 3, y2 + 3)

def long_gop_copy(src, dst):
    "Re-encode `src` (mpeg4, as OpenCV's mp4v) with a single keyframe, as in camera files with long GOPs"
    import av
    with av.open(str(src)) as i, av.open(str(dst), 'w') as o:
        si = i.streams.video[0]
        so = o.add_stream('mpeg4', rate=si.average_rate)
        so.width, so.height, so.pix_fmt = si.codec_context.width, si.codec_context.height, 'yuv420p'
        so.codec_context.gop_size = 10**6
        so.codec_context.bit_rate = 8_000_000
        for f in i.decode(si):
            f.pict_type = av.video.frame.PictureType.NONE   # else the source's keyframes are forced on the encoder
            for p in so.encode(f.reformat(format='yuv420p')): o.mux(p)
        for p in so.encode(): o.mux(p)

# ---- parent -------------------------------------------------------------------------------------------------
def bench_clip(name, clip, tmp, a, known_box=None, frame_size=None) -> dict:
    from ma52.crop import probe_video
    info = probe_video(clip)
    keys = len(info.keyframes)
    print(f'\n{name}: {info.size[0]}x{info.size[1]}, {info.frames} frames at {info.fps:g} fps, {keys} keyframe(s)', flush=True)
    out = Path(tempfile.mkdtemp(dir=tmp))
    r = {}
    r['b'] = measure('sampled', clip, out/'b', a.k, a.weights, known_box=known_box, frame_size=frame_size, repeat=a.repeat, detector=a.detector)
    r['a'] = measure('floor', clip, out/'a', a.k, a.weights, box=r['b']['box'], repeat=a.repeat, detector=a.detector)
    r['c'] = measure('every', clip, out/'c', a.k, a.weights, known_box=known_box, frame_size=frame_size, detector=a.detector) if a.every else None
    labels = dict(a='(a) decode + crop + encode (floor)', b=f'(b) ma52-crop, K={a.k} sampled detections', c='(c) ma52-crop, detection on every frame')
    print(f'  {"":44s} {"seconds":>8s} {"frames/s":>9s} {"peak RSS":>9s}   crop box')
    for m in 'abc':
        if r[m]: print(f'  {labels[m]:44s} {r[m]["seconds"]:8.2f} {r[m]["fps"]:9.1f} {r[m]["rss_mb"]:7.0f} MB   {r[m]["box"]}')
    print(f'  b/a = {r["b"]["seconds"]/r["a"]["seconds"]:.2f} (target <= 1.5)' +
          (f'   c/b = {r["c"]["seconds"]/r["b"]["seconds"]:.1f} (target >= 4)' if r['c'] else ''), flush=True)
    return r

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('clips', nargs='*', type=Path, help='real clips to measure as well')
    p.add_argument('--size', default='1920x1080', help='synthetic clip size WxH (default 1920x1080)')
    p.add_argument('--frames', type=int, default=300, help='synthetic clip length (default 300)')
    p.add_argument('--long-frames', type=int, default=1200, help='length of the clip for the RSS comparison (default 1200; 0: skip)')
    p.add_argument('-k', type=int, default=8, help='sampled frames (default 8)')
    p.add_argument('--detector', default='yolo', choices=['yolo', 'pose', 'haar', 'hog'], help='detector measured (default yolo, with --weights)')
    p.add_argument('--weights', default='yolov8n.yaml', help='YOLO model (default yolov8n.yaml: random weights, real compute)')
    p.add_argument('--keep', action='store_true', help='keep the clips and crops it made (default: removed at the end)')
    p.add_argument('--no-long-gop', dest='long_gop', action='store_false', help='skip the long-GOP copy')
    p.add_argument('--no-every', dest='every', action='store_false', help='skip (c), every-frame detection')
    p.add_argument('--repeat', type=int, default=3, help='runs of (a) and (b); the fastest counts (default 3; (c) runs once)')
    # child mode
    p.add_argument('--child', choices=['floor', 'sampled', 'every'], help=argparse.SUPPRESS)
    p.add_argument('--clip', help=argparse.SUPPRESS); p.add_argument('--out', help=argparse.SUPPRESS)
    p.add_argument('--box', type=int, nargs=4, help=argparse.SUPPRESS)
    p.add_argument('--known-box', type=int, nargs=4, help=argparse.SUPPRESS)
    p.add_argument('--frame-size', type=int, nargs=2, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child: a.mode = a.child; return child(a)

    import ma52  # noqa: F401  (environment: ultralytics offline)
    tmp = Path(tempfile.mkdtemp(prefix='ma52-bench-'))
    try: return run(a, tmp)
    finally:
        if a.keep: print(f'clips and crops kept in {tmp}')
        else: shutil.rmtree(tmp, ignore_errors=True)

def run(a, tmp):
    t0 = time.time()
    W, H = map(int, a.size.lower().split('x'))
    print(f'ma52 crop benchmark, detector {a.detector}; clips in {tmp}; every measurement in a fresh process; (a) and (b): fastest of {a.repeat} runs, '
          f'(c): one run; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs', flush=True)
    clip = tmp/'synthetic'/f'clip{a.frames}.mp4'
    t = time.time(); box = make_clip(clip, a.frames, W, H)
    print(f'made {clip.name} ({W}x{H}, {a.frames} frames, mp4v) in {time.time() - t:.0f} s', flush=True)
    r = bench_clip(f'synthetic clip', clip, tmp, a, known_box=box, frame_size=(W, H))
    if a.long_gop:
        lg = tmp/'longgop'/clip.name; lg.parent.mkdir()
        long_gop_copy(clip, lg)
        bench_clip('the same clip with one keyframe (long GOP: sampled frames decoded in order)', lg, tmp, a, known_box=box, frame_size=(W, H))
    if a.long_frames:
        long = tmp/'synthetic_long'/f'clip{a.long_frames}.mp4'
        t = time.time(); make_clip(long, a.long_frames, W, H)
        print(f'\nmade {long.name} ({a.long_frames} frames) in {time.time() - t:.0f} s', flush=True)
        rl = measure('sampled', long, Path(tempfile.mkdtemp(dir=tmp)), a.k, a.weights, known_box=box, frame_size=(W, H), repeat=a.repeat, detector=a.detector)
        print(f'peak RSS of (b): {a.frames} frames {r["b"]["rss_mb"]:.0f} MB, {a.long_frames} frames {rl["rss_mb"]:.0f} MB '
              f'({rl["rss_mb"] - r["b"]["rss_mb"]:+.0f} MB; one decoded frame is {W*H*3/2**20:.1f} MB); '
              f'{a.long_frames} frames at {rl["fps"]:.1f} frames/s', flush=True)
    for c in a.clips: bench_clip(str(c), c.resolve(), tmp, a)
    print(f'\nbenchmark took {time.time() - t0:.0f} s')

if __name__ == '__main__': sys.exit(main())
