#!/usr/bin/env bash
# A real Spark standalone cluster on loopback: a master and two one-core workers, each its own JVM, started from the
# Spark jars Maven resolves for grukit-spark (linked into a SPARK_HOME under the output folder); then `grukit spark
# train`, `predict` and `features` run against it on the embedded reviews and on made-up yes/no recordings
# (tools/spark/MakeTones.java), and their JSON lines are checked.
#
#   tools/spark/standalone-cluster.sh [OUTPUT_FOLDER]        (default target/spark-cluster; needs JDK 17+ and Maven)
#
# With KEEP=1 the cluster stays up after the checks, for more commands (the master's URL is printed); stop it with
# kill $(cat OUTPUT_FOLDER/pids).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/spark-cluster}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[cluster] $*" >&2; }

if [ ! -f examples/target/grukit.jar ] || [ -z "${SKIP_BUILD:-}" ]; then
  log "building grukit (mvn -q -B -DskipTests install)"
  mvn -q -B -DskipTests install
fi

# Spark and what it needs, as grukit-spark compiles against them; grukit's own jars stay out (grukit.jar carries them).
classpath=$(mvn -q -B dependency:build-classpath -pl spark -Dmdep.includeScope=compile -Dmdep.excludeGroupIds=org.grukit \
  -Dmdep.outputFile="$out/classpath.txt" >&2 && cat "$out/classpath.txt")
export SPARK_HOME="$out/spark-home"
mkdir -p "$SPARK_HOME/jars"
touch "$SPARK_HOME/RELEASE" # how Spark's launcher knows a distribution's jars are in jars/
IFS=: read -r -a jars <<< "$classpath"
for j in "${jars[@]}"; do ln -sf "$j" "$SPARK_HOME/jars/"; done
log "SPARK_HOME $SPARK_HOME: ${#jars[@]} jars"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_SCALA_VERSION=2.13 # else the launcher looks for a source build's folders

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
wait_for() { # wait_for FILE PATTERN COUNT SECONDS
  local waited=0
  while [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -lt "$3" ]; do
    sleep 1
    waited=$((waited + 1))
    if [ "$waited" -ge "$4" ]; then log "timed out waiting for '$2' in $1:"; tail -20 "$1" >&2; exit 1; fi
  done
}

spark_java() { exec java @spark/spark-jvm.options -Xmx1g -cp "$SPARK_HOME/jars/*" "$@"; }
port=$(free_port 17077)
ui=$(free_port 18080)
: > "$out/pids"
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    # shellcheck disable=SC2046
    kill $(cat "$out/pids") 2>/dev/null || true
  fi
}
trap cleanup EXIT

spark_java org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$ui" > "$out/master.log" 2>&1 &
echo $! >> "$out/pids"
wait_for "$out/master.log" "I have been elected leader" 1 90
master="spark://127.0.0.1:$port"
for w in 1 2; do
  spark_java org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 3g --webui-port 0 \
    --work-dir "$out/worker-$w" "$master" > "$out/worker-$w.log" 2>&1 &
  echo $! >> "$out/pids"
done
wait_for "$out/master.log" "Registering worker" 2 90
log "master $master with 2 workers of 1 core (logs in $out)"

conf=(--master "$master" --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=2g)
reviews=examples/src/main/resources/org/grukit/examples/reviews

log "grukit spark train sentiment: 2 workers, 3 epochs"
./grukit spark train "${conf[@]}" --workers 2 sentiment --train "$reviews/train.tsv" --dev "$reviews/dev.tsv" \
  --model "$out/model" --epochs 3 --no-progress | tee "$out/train.jsonl"
grep -q '"workers":2' "$out/train.jsonl"
test -f "$out/model/model.json"

log "grukit spark predict: the test reviews"
./grukit spark predict "${conf[@]}" --model "$out/model" --input "$reviews/test.tsv" --text-column sentence --output-prefix predicted_ \
  --output "$out/predictions.parquet" --partitions 2 | tee "$out/predict.jsonl"
rows=$(($(wc -l < "$reviews/test.tsv") - 1))
grep -q "\"rows\":$rows," "$out/predict.jsonl"
grep -q '"errors":0' "$out/predict.jsonl"
./grukit spark predict "${conf[@]}" --model "$out/model" --input "$reviews/test.tsv" --text-column sentence --output-prefix predicted_ \
  --output "$out/predictions.csv" | tee -a "$out/predict.jsonl"
log "made-up recordings; grukit spark features, train speech and predict speech"
java tools/spark/MakeTones.java "$out/tones" 40 1
n=$(find "$out/tones" -name '*.wav' | wc -l)
./grukit spark features "${conf[@]}" --input "$out/tones" --output "$out/features.parquet" --preset kaldi --kind fbank \
  --num-mel-bins 40 | tee "$out/features.jsonl"
grep -q "\"recordings\":$n," "$out/features.jsonl"
grep -q '"errors":0' "$out/features.jsonl"
./grukit spark train "${conf[@]}" --workers 2 speech --train "$out/tones" --model "$out/speech" --hidden 16 --epochs 2 \
  --no-progress | tee "$out/train-speech.jsonl"
grep -q '"workers":2' "$out/train-speech.jsonl"
./grukit spark predict "${conf[@]}" --model "$out/speech" --input "$out/tones" --output "$out/transcripts.jsonl" \
  | tee -a "$out/predict.jsonl"
grep -q "\"rows\":$n," "$out/predict.jsonl"
log "the cluster trained, predicted and computed features: $out"
if [ -n "${KEEP:-}" ]; then log "KEEP=1: the cluster stays up at $master; stop it with: kill \$(cat $out/pids)"; fi
