#!/usr/bin/env bash
# Test on a Slurm cluster, one task per GPU: scripts/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [--dump results.pkl] [extra]
# Runs: srun ... python -u -m ma52.test CONFIG CHECKPOINT --launcher slurm [extra]
# Environment: GPUS (total, 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS (extra srun options), PORT (master port, 29501).
set -euo pipefail
if [ $# -lt 4 ]; then echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [--dump results.pkl] [extra ma52.test arguments]" >&2; exit 2; fi
PARTITION=$1; JOB_NAME=$2; CONFIG=$3; CKPT=$4; shift 4
if [ ! -f "$CONFIG" ]; then echo "$0: error: config not found: $CONFIG" >&2; exit 2; fi
if [ ! -f "$CKPT" ]; then echo "$0: error: checkpoint not found: $CKPT" >&2; exit 2; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=python; if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; fi
export MASTER_PORT=${PORT:-29501}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CMD=(srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" --ntasks="${GPUS:-8}"
     --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="${CPUS_PER_TASK:-5}" --kill-on-bad-exit=1 ${SRUN_ARGS:-}
     "$PYTHON" -u -m ma52.test "$CONFIG" "$CKPT" --launcher slurm "$@")
echo "+ ${CMD[*]}"
exec "${CMD[@]}"
