#!/usr/bin/env bash
# The streaming and long-recording figures of the README: a streaming model against a bidirectional one on FSDD's
# standard test recordings (single digits, and 300 digit strings made from them), streamed in 10 ms chunks on one
# kernel thread, then 10 long recordings of 30 test recordings each (picked at random) with pauses and white noise,
# cut by voice activity.
# One JSON line per measurement in OUT/measure.jsonl.
#
#   tools/speech/measure.sh OUT STREAMING_MODEL BIDIRECTIONAL_MODEL [SHARED_DATA]
#
# Needs the built jar (mvn -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1 stream=$2 bi=$3
fsdd="${4:-../shared/data}/speech/fsdd"
mkdir -p "$out"
: > "$out/measure.jsonl"
one() { # NAME, then the grukit arguments
  local name=$1
  shift
  echo "[measure] $name" >&2
  local line
  line=$(GRUKIT_JAVA_OPTS="${GRUKIT_JAVA_OPTS:-} -Dgrukit.threads=1" ./grukit "$@" 2>/dev/null | tail -1)
  echo "{\"measure\":\"$name\",\"result\":$line}" | tee -a "$out/measure.jsonl"
}
one bidirectional-digits speech eval --model "$bi" --data "$fsdd" --select fsdd-test
one bidirectional-strings speech eval --model "$bi" --data "$fsdd" --select fsdd-test --digit-strings 300
one streaming-whole-digits speech eval --model "$stream" --data "$fsdd" --select fsdd-test
for endpoint in 500 300; do
  one "streaming-digits-endpoint-$endpoint" speech eval --model "$stream" --data "$fsdd" --select fsdd-test --streaming --endpoint-ms "$endpoint"
  one "streaming-strings-endpoint-$endpoint" speech eval --model "$stream" --data "$fsdd" --select fsdd-test --digit-strings 300 \
    --streaming --endpoint-ms "$endpoint"
done
for snr in 30 20; do
  one "long-recordings-snr-$snr" speech eval --model "$bi" --data "$fsdd" --select fsdd-test --long-recordings 10 --snr-db "$snr"
done
