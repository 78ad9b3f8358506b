#!/usr/bin/env bash
# The GPU check, on a machine with one CUDA GPU. In order:
#   1. numerics: stock and FastSwinTransformer3D (ma52.swin) against a float64 reference, Swin-B window (16,7,7) at 8x112x112,
#      float32/float16/bfloat16 (scripts/bench_swin.py --check: fast's error at most 2x stock's; float64 equal within 1e-9);
#   2. speed and memory at the GPU shape: Swin-B (16,7,7), 32x224x224, batch 8, float16 and bfloat16 (scripts/bench_swin.py;
#      COMPILE=1 adds fast + torch.compile); the targets: fast >= 2x stock train clips/s, <= 0.5x stock peak memory;
#   3. a 1-GPU scripts/train.sh smoke run (NCCL, AMP with --amp-dtype auto, fused AdamW, the fast backbone) of the tiny config
#      on 8 random clips made here, 1 epoch;
#   4. the `cuda` cells of the notebooks (nbdev_test --flags "slow cuda"), one notebook after the other (skip: --no-notebooks).
# Steps 1-3 take under 5 minutes (step 2 dominates); step 4 also runs the notebooks' slow cells. Writes summary.json and
# summary.md (and each step's log) to $LOGS (default: a new temporary folder), prints the summary; exit status 0 when every
# step passed, 1 when one failed, 2 when there is no CUDA device or no environment.
# Usage: scripts/gpu_check.sh [--no-notebooks] [NOTEBOOK ...]   (default notebooks: every nbs/*.ipynb with a cuda cell)
# To try the script itself on a CPU (its figures then mean nothing): ALLOW_CPU=1 NUMERICS_SHAPE=tiny BENCH_SHAPE=tiny scripts/gpu_check.sh --no-notebooks
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); cd "$ROOT"
BIN="$ROOT/.venv/bin"
NOTEBOOKS=1
if [ "${1:-}" = "--no-notebooks" ]; then NOTEBOOKS=0; shift; fi
[ -x "$BIN/nbdev_test" ] || { echo "$0: error: $BIN/nbdev_test not found (run make install)" >&2; exit 2; }
"$BIN/python" -c "
import os, sys, torch
if not torch.cuda.is_available() and os.environ.get('ALLOW_CPU') != '1': sys.exit('no CUDA device visible to torch ' + torch.__version__)
print('torch', torch.__version__, '| CUDA', torch.version.cuda, '|', ', '.join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())))
" || { echo "$0: error: the GPU check needs a CUDA GPU" >&2; exit 2; }
LOGS=${LOGS:-$(mktemp -d -t ma52-gpu-check.XXXXXX)}; mkdir -p "$LOGS"
export YOLO_OFFLINE=${YOLO_OFFLINE:-1} MPLBACKEND=${MPLBACKEND:-Agg}
echo "== GPU check: logs and summary in $LOGS =="
passed=(); failed=(); start=$(date +%s)
step() {  # step NAME LOG COMMAND...: run, print one line, remember the result
  local name=$1 log=$2; shift 2; local t0; t0=$(date +%s)
  echo "+ $*" > "$log"
  if "$@" >> "$log" 2>&1; then passed+=("$name"); echo "passed  $name  ($(( $(date +%s) - t0 )) s)"
  else failed+=("$name"); echo "FAILED  $name  ($(( $(date +%s) - t0 )) s): last lines of $log"; tail -n 25 "$log" | sed 's/^/    /'; fi
}
step numerics "$LOGS/numerics.log" "$BIN/python" scripts/bench_swin.py --shape "${NUMERICS_SHAPE:-swin-b-112}" --check --dtypes fp32,fp16,bf16 \
     --iters 3 --warmup 1 --rounds 1 --json "$LOGS/numerics.json" --md "$LOGS/numerics.md"
step bench_gpu "$LOGS/bench_gpu.log" "$BIN/python" scripts/bench_swin.py --shape "${BENCH_SHAPE:-gpu}" --dtypes fp16,bf16 --iters 8 --warmup 3 --rounds 1 \
     $([ "${COMPILE:-0}" = 1 ] && echo --compile) --json "$LOGS/bench_gpu.json" --md "$LOGS/bench_gpu.md"
SMOKE="$LOGS/smoke"
smoke() {
  "$BIN/python" - "$SMOKE" <<'EOF' || return 1
import sys, numpy as np
from pathlib import Path
from ma52.core import write_video
from ma52.configs import make_config, save_config
d = Path(sys.argv[1]); rng = np.random.default_rng(0)
for i in range(8): write_video(d/'videos'/f'clip{i}.mp4', [rng.integers(0, 255, (80, 64, 3), dtype=np.uint8) for _ in range(20)])
(d/'train.txt').write_text(''.join(f'videos/clip{i}.mp4 {5*i}\n' for i in range(8)))
cfg = make_config('tiny', data_root=str(d), ann_train=str(d/'train.txt'), ann_test=str(d/'train.txt'), epochs=1, pretrained=False,
                  amp=True, amp_dtype='auto', fast_swin=True)
save_config(cfg, d/'tiny_fast_amp.py', header='gpu_check.sh: the tiny config with the fast backbone, AMP (auto dtype) and fused AdamW')
EOF
  GPUS=1 PORT=$("$BIN/python" -c 'from ma52.core import free_port; print(free_port())') \
    scripts/train.sh "$SMOKE/tiny_fast_amp.py" --work-dir "$SMOKE/work" --amp-dtype auto --cfg-options default_hooks.logger.interval=1 \
    2>&1 | tee "$SMOKE/train.out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  [ -f "$SMOKE/work/epoch_1.pth" ] || { echo "no checkpoint $SMOKE/work/epoch_1.pth"; return 1; }
  grep -q "Epoch(train)" "$SMOKE/train.out" || { echo "no Epoch(train) line in the training log"; return 1; }
  ! grep -Eq "loss: (nan|inf)" "$SMOKE/train.out" || { echo "a loss is not finite"; return 1; }
}
step train_smoke "$LOGS/train_smoke.log" smoke
if [ "$NOTEBOOKS" = 1 ]; then
  if [ $# -gt 0 ]; then NBS=("$@"); else mapfile -t NBS < <(grep -l '"#| cuda' nbs/[0-9]*.ipynb); fi
  for nb in "${NBS[@]}"; do
    step "$nb" "$LOGS/$(basename "$nb" .ipynb).log" "$BIN/nbdev_test" --path "$nb" --flags "slow cuda" --do_print
  done
fi
"$BIN/python" - "$LOGS" "$(( $(date +%s) - start ))" "${passed[*]:-}" "${failed[*]:-}" <<'EOF'
import json, re, sys, torch
from pathlib import Path
logs, secs, passed, failed = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
s = dict(gpu=torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU (ALLOW_CPU=1)', torch=torch.__version__, seconds=secs, passed=passed, failed=failed)
for k in ('numerics', 'bench_gpu'):
    p = logs/f'{k}.json'
    if p.exists(): s[k] = json.loads(p.read_text())
rows = (s.get('bench_gpu') or {}).get('rows', [])
s['targets'] = {r['dtype']: dict(train_x=r['train_x'], peak_x=r['peak_x'], met=r['train_x'] >= 2 and r['peak_x'] <= 0.5)
                for r in rows if r['variant'] == 'fast'}
log = logs/'train_smoke.log'
if log.exists():
    t = log.read_text()
    s['train_smoke'] = dict(losses=re.findall(r'Epoch\(train\).*? loss: ([0-9.eE+-]+|nan|inf)', t))
(logs/'summary.json').write_text(json.dumps(s, indent=1))
md = [f"# ma52 GPU check: {s['gpu']}, torch {s['torch']}, {secs} s", '', f"passed: {', '.join(passed) or '-'}; failed: {', '.join(failed) or '-'}", '']
for k in ('numerics', 'bench_gpu'):
    p = logs/f'{k}.md'
    if p.exists(): md += [f'## {k}', '', p.read_text(), '']
md += ['## targets (fast vs stock at the GPU shape: train >= 2x, peak memory <= 0.5x)', '']
md += [f"- {d}: train {t['train_x']:.2f}x, peak {t['peak_x']:.2f}x: {'met' if t['met'] else 'NOT met'}" for d, t in s['targets'].items()]
if 'train_smoke' in s: md += ['', f"## train smoke: losses {s['train_smoke']['losses']}"]
(logs/'summary.md').write_text('\n'.join(md) + '\n')
print('\n'.join(md))
EOF
echo "== GPU check: ${#passed[@]} passed, ${#failed[@]} failed, in $(( $(date +%s) - start )) s; summary: $LOGS/summary.md =="
[ ${#failed[@]} -eq 0 ]
