#!/usr/bin/env bash
# Train on a Slurm cluster, one task per GPU: scripts/slurm_train.sh PARTITION JOB_NAME CONFIG [extra ma52.train arguments]
# Runs: srun ... python -u -m ma52.train CONFIG --launcher slurm --amp --seed 0 [extra]
# Environment: GPUS (total, 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS (extra srun options), PORT (master port, 29501).
set -euo pipefail
if [ $# -lt 3 ]; then echo "usage: $0 PARTITION JOB_NAME CONFIG [extra ma52.train arguments]" >&2; exit 2; fi
PARTITION=$1; JOB_NAME=$2; CONFIG=$3; shift 3
if [ ! -f "$CONFIG" ]; then echo "$0: error: config not found: $CONFIG" >&2; exit 2; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=python; if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; fi
export MASTER_PORT=${PORT:-29501}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CMD=(srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" --ntasks="${GPUS:-8}"
     --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="${CPUS_PER_TASK:-5}" --kill-on-bad-exit=1 ${SRUN_ARGS:-}
     "$PYTHON" -u -m ma52.train "$CONFIG" --launcher slurm --amp --seed 0 "$@")
echo "+ ${CMD[*]}"
exec "${CMD[@]}"
