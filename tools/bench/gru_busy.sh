#!/usr/bin/env bash
# Idle and loaded GRU timings, 1 and 2 kernel threads, interleaved over several rounds so that drift in the
# machine's own load falls on every configuration alike. Prints every run's JSON line, then one line per
# configuration with the median of the rounds.
#   usage: tools/bench/gru_busy.sh [rounds] [shape ...]      (default: 5 rounds, latency)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
shift || true
shapes=("${@:-latency}")
args=()
for s in "${shapes[@]}"; do args+=(--shape "$s"); done
out=$(mktemp)
for r in $(seq "$rounds"); do
  for busy in 0 2; do
    for t in 1 2; do
      ./grukit bench gru "${args[@]}" --threads "$t" --busy "$busy" --warmup 4 2>/dev/null | tee -a "$out"
    done
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
keys = sorted({(r["shape"], r["busy_processes"], r["threads"]) for r in rows})
for shape, busy, threads in keys:
    sel = [r for r in rows if (r["shape"], r["busy_processes"], r["threads"]) == (shape, busy, threads)]
    print(json.dumps({"shape": shape, "busy_processes": busy, "threads": threads, "runs": len(sel),
                      "infer_ms_median": statistics.median(r["infer_ms"] for r in sel),
                      "train_ms_median": statistics.median(r["train_ms"] for r in sel)}))
PY
rm -f "$out"
