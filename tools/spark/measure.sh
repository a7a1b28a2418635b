#!/usr/bin/env bash
# The Spark figures of the README, in one run on one machine: SST-2 training on one machine against two workers of a
# standalone cluster (dev accuracy, time per epoch, communication share), and SST-2's 67,349 training sentences and
# FSDD's 3,000 recordings scored by one JVM through the batched API, by local[2], and by the cluster of two one-core
# workers. Every step prints a JSON line; the last lines hold the wall-clock seconds of each command.
#
#   tools/spark/measure.sh OUTPUT_FOLDER [SHARED_DATA]       (SHARED_DATA default ../shared/data; EPOCHS default 8)
#
# SCORING_ONLY=1 skips the training and scores with OUTPUT_FOLDER/sst2-one from an earlier run; FSDD_MODEL=DIR adds
# the FSDD transcription.
#
# Needs the built jar (mvn -q -DskipTests install) and the standalone-cluster script's SPARK_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
data=${2:-../shared/data}
epochs=${EPOCHS:-8}
mkdir -p "$out"
out=$(cd "$out" && pwd)
S="$data/sentiment/sst2"
F="$data/speech/fsdd"
log() { echo "[measure] $*" >&2; }
timed() { # timed NAME COMMAND...: runs it, keeps its last line, and prints a JSON line with its wall-clock seconds
  local name=$1; shift
  local start end
  start=$(date +%s%N)
  "$@" > "$out/$name.out" 2> "$out/$name.err"
  end=$(date +%s%N)
  echo "{\"step\":\"$name\",\"wall_seconds\":$(awk "BEGIN { printf \"%.1f\", ($end - $start) / 1e9 }"),\"result\":$(tail -1 "$out/$name.out")}" | tee -a "$out/measure.jsonl"
}

log "a standalone cluster of two one-core workers (kept up for the run)"
KEEP=1 SKIP_BUILD=1 tools/spark/standalone-cluster.sh "$out/cluster" > "$out/cluster.log" 2>&1
trap 'kill $(cat "$out/cluster/pids") 2>/dev/null || true' EXIT
master=$(grep -o 'spark://[0-9.:]*' "$out/cluster.log" | head -1)
export SPARK_HOME="$out/cluster/spark-home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
cluster=(--master "$master" --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=2g)
local2=(--master "local[2]" --conf spark.driver.memory=4g)

if [ -z "${SCORING_ONLY:-}" ]; then
log "SST-2 training: one machine (2 kernel threads), then 2 workers of 1 core on the cluster, $epochs epochs each"
timed train-one ./grukit sentiment train --train "$S/train.tsv" --model "$out/sst2-one" --epochs "$epochs" --no-progress
timed train-cluster ./grukit spark train "${cluster[@]}" --workers 2 sentiment --train "$S/train.tsv" --model "$out/sst2-two" \
  --epochs "$epochs" --no-progress
timed eval-one ./grukit sentiment eval --model "$out/sst2-one" --data "$S/dev.tsv"
timed eval-cluster ./grukit sentiment eval --model "$out/sst2-two" --data "$S/dev.tsv"
fi

log "scoring SST-2's training sentences"
timed score-sst2-one-jvm ./grukit sentiment eval --model "$out/sst2-one" --data "$S/train.tsv"
timed score-sst2-local2 ./grukit spark predict "${local2[@]}" --model "$out/sst2-one" --input "$S/train.tsv" --input-column sentence \
  --output-prefix predicted_ --output "$out/sst2-local2.parquet" --partitions 2
timed score-sst2-cluster ./grukit spark predict "${cluster[@]}" --model "$out/sst2-one" --input "$S/train.tsv" --input-column sentence \
  --output-prefix predicted_ --output "$out/sst2-cluster.parquet" --partitions 2

if [ -n "${FSDD_MODEL:-}" ]; then
  log "transcribing FSDD's recordings with $FSDD_MODEL"
  timed score-fsdd-one-jvm ./grukit speech eval --model "$FSDD_MODEL" --data "$F" --select all
  timed score-fsdd-local2 ./grukit spark predict "${local2[@]}" --model "$FSDD_MODEL" --input "$F/recordings" \
    --output "$out/fsdd-local2.parquet" --partitions 2
  timed score-fsdd-cluster ./grukit spark predict "${cluster[@]}" --model "$FSDD_MODEL" --input "$F/recordings" \
    --output "$out/fsdd-cluster.parquet" --partitions 2
fi
log "done: $out/measure.jsonl"
