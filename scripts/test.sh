#!/usr/bin/env bash
# Test an MA-52 model with torch.distributed: scripts/test.sh CONFIG CHECKPOINT [--dump results.pkl] [extra ma52.test arguments]
# Runs: torchrun ... -m ma52.test CONFIG CHECKPOINT --launcher pytorch [extra]. Topology from the environment:
# GPUS (processes per node, 8), NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1 with one node; required when
# NNODES > 1), PORT (29501).
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 CONFIG CHECKPOINT [--dump results.pkl] [extra ma52.test arguments]" >&2; exit 2; fi
CONFIG=$1; CKPT=$2; shift 2
if [ ! -f "$CONFIG" ]; then echo "$0: error: config not found: $CONFIG" >&2; exit 2; fi
if [ ! -f "$CKPT" ]; then echo "$0: error: checkpoint not found: $CKPT" >&2; exit 2; fi
NNODES=${NNODES:-1}
case "$NNODES" in ''|*[!0-9]*) echo "$0: error: NNODES must be a whole number of nodes, not '$NNODES'" >&2; exit 2;; esac
if [ "$NNODES" -gt 1 ] && [ -z "${MASTER_ADDR:-}" ]; then
  echo "$0: error: NNODES=$NNODES needs MASTER_ADDR, the address of node 0 that every node can reach (127.0.0.1 only when all run on this machine)" >&2; exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TORCHRUN=torchrun; if [ -x "$ROOT/.venv/bin/torchrun" ]; then TORCHRUN="$ROOT/.venv/bin/torchrun"; fi
command -v "$TORCHRUN" >/dev/null || { echo "$0: error: torchrun not found (run make install, or activate the environment)" >&2; exit 2; }
CMD=("$TORCHRUN" --nproc_per_node="${GPUS:-8}" --nnodes="$NNODES" --node_rank="${NODE_RANK:-0}"
     --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29501}"
     -m ma52.test "$CONFIG" "$CKPT" --launcher pytorch "$@")
echo "+ ${CMD[*]}"
exec "${CMD[@]}"
