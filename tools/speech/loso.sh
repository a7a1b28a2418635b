#!/usr/bin/env bash
# Leave-one-speaker-out on FSDD: for each of its six speakers, train on the other five (10% of their recordings pick
# the epoch) and score the held-out speaker's 500 recordings, as single digits and as connected digit strings made
# from them. One JSON line per speaker and task in OUT/loso.jsonl; mean and worst speaker at the end.
#
#   tools/speech/loso.sh OUT [SHARED_DATA] [TRAIN OPTIONS...]     e.g. tools/speech/loso.sh runs/loso ../shared/data --spec-augment
#
# STRINGS (default 300) digit strings are scored per speaker. Needs the built jar (mvn -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
data=${2:-../shared/data}
shift $(( $# >= 2 ? 2 : 1 ))
strings=${STRINGS:-300}
fsdd="$data/speech/fsdd"
mkdir -p "$out"
: > "$out/loso.jsonl"
for s in george jackson lucas nicolas theo yweweler; do
  echo "[loso] training without $s" >&2
  ./grukit speech train --train "$fsdd" --select "speaker!=$s" --model "$out/no-$s" --no-progress --overwrite "$@" \
    > "$out/no-$s.train.json" 2> "$out/no-$s.train.err"
  digits=$(./grukit speech eval --model "$out/no-$s" --data "$fsdd" --select "speaker=$s" 2>/dev/null | tail -1)
  strings_json=$(./grukit speech eval --model "$out/no-$s" --data "$fsdd" --select "speaker=$s" --digit-strings "$strings" 2>/dev/null | tail -1)
  echo "{\"held_out\":\"$s\",\"digits\":$digits,\"strings\":$strings_json}" | tee -a "$out/loso.jsonl"
done
python3 - "$out/loso.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for kind in ("digits", "strings"):
    wers = {r["held_out"]: r[kind]["wer"] for r in rows}
    mean = sum(wers.values()) / len(wers)
    worst = max(wers, key=wers.get)
    print(json.dumps({"task": kind, "mean_wer": round(mean, 4), "worst_speaker": worst, "worst_wer": wers[worst], "by_speaker": wers}))
PY
