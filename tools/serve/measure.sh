#!/usr/bin/env bash
# The model server's figures in the README, in one run on one machine: grukit serve on loopback, loaded by
# grukit bench serve (a closed-loop client on the same machine).
#   1. SST-2 sentiment, dev sentences, at 1, 8 and 64 connections, dynamic batching on (32 inputs, 5 ms) and off (1).
#   2. Overload: 256 connections against a queue of 64: only answers and 429s, no dropped connection.
#   3. Multi30k de-en translation with beam 5, and FSDD speech (raw WAV bodies), at 8 connections.
#   4. A soak: SOAK_SECONDS (default 600) at 8 connections with 20% malformed requests; every minute the server's
#      live heap (jcmd GC.class_histogram) and resident set (OUT/soak-memory.jsonl). SOAK_ONLY=1 runs it alone.
# Every run prints JSON lines into OUT/*.jsonl; OUT/summary.jsonl holds the last line of each.
#
#   SST2_MODEL=DIR DEEN_MODEL=DIR FSDD_MODEL=DIR tools/serve/measure.sh OUT [SHARED_DATA]
#
# The models are folders written by grukit sentiment/translate/speech train (default settings). Needs the built jar
# (mvn -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
data=${2:-../shared/data}
mkdir -p "$out"
out=$(cd "$out" && pwd)
: "${SST2_MODEL:?set SST2_MODEL to an SST-2 sentiment model folder}"
duration=${DURATION:-30}
soak=${SOAK_SECONDS:-600}
port=${PORT:-18080}
url="http://127.0.0.1:$port"
log() { echo "[measure] $*" >&2; }

server=""
start_server() { # start_server NAME [serve options...]: starts grukit serve and waits until it listens
  local name=$1; shift
  current=$name
  ./grukit serve --port "$port" "$@" > "$out/serve-$name.out" 2> "$out/serve-$name.err" &
  server=$!
  for _ in $(seq 600); do
    grep -q '"listening"' "$out/serve-$name.out" 2>/dev/null && return 0
    kill -0 "$server" 2>/dev/null || { cat "$out/serve-$name.err" >&2; exit 1; }
    sleep 0.1
  done
  log "the server did not start"; exit 1
}
stop_server() { # the batches the server formed (count and mean size per model) go to the summary, then SIGTERM
  curl -s "$url/metrics" | awk -v label="$current" '
    /^grukit_batch_size_count/ { split($1, a, "\""); n[a[2]] = $2 }
    /^grukit_batch_size_sum/ { split($1, a, "\""); s[a[2]] = $2 }
    END { for (m in n) printf "{\"server\":\"%s\",\"model\":\"%s\",\"batches\":%d,\"mean_batch_size\":%.2f}\n", label, m, n[m], s[m] / n[m] }' \
    >> "$out/summary.jsonl" || true
  kill -TERM "$server" && wait "$server" || true
  server=""
}
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true' EXIT
bench() { # bench NAME [bench options...]
  local name=$1; shift
  log "$name"
  ./grukit bench serve --url "$url" --label "$name" "$@" > "$out/$name.jsonl" 2> "$out/$name.err"
  tail -1 "$out/$name.jsonl" >> "$out/summary.jsonl"
}
: > "$out/summary.jsonl"
sst2=(--model sst2 --texts "$data/sentiment/sst2/dev.tsv")

if [ -z "${SOAK_ONLY:-}" ]; then
# A server per level, so that each level's batch sizes are its own.
for c in 1 8 64; do
  start_server "sst2-batching-on-c$c" --model "sst2=$SST2_MODEL"
  bench "sst2-batching-on-c$c" "${sst2[@]}" --connections "$c" --duration-s "$duration"
  stop_server
  start_server "sst2-batching-off-c$c" --model "sst2=$SST2_MODEL" --max-batch-size 1
  bench "sst2-batching-off-c$c" "${sst2[@]}" --connections "$c" --duration-s "$duration"
  stop_server
done

start_server sst2-overload --model "sst2=$SST2_MODEL" --queue-size 64
bench sst2-overload "${sst2[@]}" --connections 256 --duration-s "$duration"
stop_server

if [ -n "${DEEN_MODEL:-}" ]; then
  start_server de-en --model "de-en=$DEEN_MODEL"
  bench de-en-beam5 --model de-en --texts "$data/translation/multi30k/test_2016_flickr.de" --parameters '{"beam": 5}' \
    --connections 8 --duration-s "$duration"
  stop_server
fi
if [ -n "${FSDD_MODEL:-}" ]; then
  start_server fsdd --model "fsdd=$FSDD_MODEL"
  bench fsdd --model fsdd --wav "$data/speech/fsdd/recordings" --connections 8 --duration-s "$duration"
  stop_server
fi

fi

if [ "$soak" -gt 0 ]; then
  start_server soak --model "sst2=$SST2_MODEL"
  # Memory: every minute the live heap (what a full GC keeps) and the process's resident set. The heap used at random
  # moments shows GC's sawtooth, not what is kept.
  t0=$(date +%s)
  (
    while kill -0 "$server" 2>/dev/null; do
      # GC.class_histogram collects first and counts only what is reachable: the live heap, with no garbage in it.
      heap=$(jcmd "$server" GC.class_histogram 2>/dev/null | awk '/^Total/ { printf "%.1f", $3 / 1048576 }')
      [ -n "$heap" ] || break
      rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status" 2>/dev/null || true)
      echo "{\"t_s\":$(( $(date +%s) - t0 )),\"live_heap_mb\":${heap:-null},\"rss_mb\":${rss:-null}}" >> "$out/soak-memory.jsonl"
      sleep 59
    done
  ) &
  sampler=$!
  bench sst2-soak "${sst2[@]}" --connections 8 --duration-s "$soak" --warmup-s 5 --malformed-fraction 0.2
  kill "$sampler" 2>/dev/null || true
  stop_server
fi
log "done: $out/summary.jsonl"
