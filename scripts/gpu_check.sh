#!/usr/bin/env bash
# Run the GPU tests: every notebook with `#| cuda` cells, through `nbdev_test --flags "slow cuda"` (the cuda cells use data
# that the slow cells make), one notebook after the other. Prints the GPU, one line per notebook and a summary;
# exit status 0 when all passed, 1 when any failed, 2 when there is no CUDA device or no environment.
# Usage: scripts/gpu_check.sh [NOTEBOOK ...]   (default: every nbs/*.ipynb with a cuda cell); logs in $LOGS (a temporary folder).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd); cd "$ROOT"
BIN="$ROOT/.venv/bin"
[ -x "$BIN/nbdev_test" ] || { echo "$0: error: $BIN/nbdev_test not found (run make install)" >&2; exit 2; }
"$BIN/python" -c "
import sys, torch
if not torch.cuda.is_available(): sys.exit('no CUDA device visible to torch ' + torch.__version__)
print('torch', torch.__version__, '| CUDA', torch.version.cuda, '|', ', '.join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())))
" || { echo "$0: error: the cuda tests need a CUDA GPU" >&2; exit 2; }
if [ $# -gt 0 ]; then NBS=("$@"); else mapfile -t NBS < <(grep -l '"#| cuda' nbs/[0-9]*.ipynb); fi
[ ${#NBS[@]} -gt 0 ] || { echo "$0: error: no notebook has a cuda cell" >&2; exit 2; }
LOGS=${LOGS:-$(mktemp -d -t ma52-gpu-check.XXXXXX)}; mkdir -p "$LOGS"
echo "== cuda tests: ${#NBS[@]} notebooks (${NBS[*]}); logs in $LOGS =="
export YOLO_OFFLINE=${YOLO_OFFLINE:-1} MPLBACKEND=${MPLBACKEND:-Agg}
passed=(); failed=(); start=$(date +%s)
for nb in "${NBS[@]}"; do
  log="$LOGS/$(basename "$nb" .ipynb).log"; t0=$(date +%s)
  if "$BIN/nbdev_test" --path "$nb" --flags "slow cuda" --do_print > "$log" 2>&1; then
    passed+=("$nb"); echo "passed  $nb  ($(( $(date +%s) - t0 )) s)"
  else
    failed+=("$nb"); echo "FAILED  $nb  ($(( $(date +%s) - t0 )) s): last lines of $log"; tail -n 25 "$log" | sed 's/^/    /'
  fi
done
echo "== cuda tests: ${#passed[@]} passed, ${#failed[@]} failed, in $(( $(date +%s) - start )) s =="
[ ${#failed[@]} -eq 0 ]
