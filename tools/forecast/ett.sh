#!/usr/bin/env bash
# Trains and evaluates a forecaster on ETTh1 at the four standard horizons (input 96, the 12/4/4-month split,
# all seven columns), one model folder per horizon under OUT, and prints one JSON line per horizon: the test
# part's normalised MSE/MAE for the model and the baselines, the best epoch and the training seconds.
#
#   tools/forecast/ett.sh OUT DATA_DIR [TRAIN OPTIONS...]
#
# DATA_DIR holds ETTh1.csv. Without TRAIN OPTIONS the forecaster's defaults are used. GRUKIT (default: ./grukit)
# runs the command line; HORIZONS (default: "96 192 336 720") chooses the horizons.
set -euo pipefail
out=${1:?usage: ett.sh OUT DATA_DIR [TRAIN OPTIONS...]}
data=${2:?usage: ett.sh OUT DATA_DIR [TRAIN OPTIONS...]}
shift 2
grukit=${GRUKIT:-./grukit}
mkdir -p "$out"
for h in ${HORIZONS:-96 192 336 720}; do
  dir="$out/h$h"
  rm -rf "$dir"
  $grukit forecast train --data "$data/ETTh1.csv" --split 8640,2880,2880 --horizon "$h" --input 96 --no-progress --model "$dir" "$@" \
    | tail -1 > "$out/train-$h.json"
  $grukit forecast eval --data "$data/ETTh1.csv" --model "$dir" 2>/dev/null | tail -1 > "$out/eval-$h.json"
  python3 - "$h" "$out/train-$h.json" "$out/eval-$h.json" <<'PY'
import json, sys
h, t, e = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
row = {"horizon": int(h), "best_epoch": t["best_epoch"], "epochs_run": t["epochs_run"], "seconds": t["seconds"], "val_loss": t["val_loss"]}
for name in ("model", "linear_ar", "seasonal_naive"):
    row[name] = [round(e[name]["mse_normalised"], 3), round(e[name]["mae_normalised"], 3)]
print(json.dumps(row))
PY
done
