#!/usr/bin/env bash
# Benchmarks the drift analyzer: `traceguard analyze --analyzers drift` on a large generated dump
# (spans of model services whose instances run different versions, plus a Prometheus scrape of
# histogram series per model and version) against reading the same inputs with no analyzer.
# Reports both times, the ratio (target: drift adds at most 30% to reading), peak RSS, the drift
# statistics, and the same ratio measured in one JVM (bench/DriftTime.java: read once, then time
# the analyzer alone), which is steadier on a loaded machine.
#
#   bench/drift-bench.sh                          # 10M spans, 5000 histogram series
#   SPANS=2000000 bench/drift-bench.sh            # smaller dump
#   DUMP=/data/big.jsonl bench/drift-bench.sh     # any existing dump
#
# Environment: SPANS (10000000), SERIES (5000), DUMP (bench/out/dump-<SPANS>.jsonl),
# METRICS (bench/out/drift-metrics-<SERIES>.prom), HEAP (4g), RUNS (2, the best of each is kept),
# JAVA (java), PYTHON (python3), JAR (cli/target/traceguard.jar). Logs go to bench/out/ (git-ignored).
# Exit status: 0 when both runs finished, 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPANS="${SPANS:-10000000}"
SERIES="${SERIES:-5000}"
HEAP="${HEAP:-4g}"
RUNS="${RUNS:-2}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
OUT="$ROOT/bench/out"
DUMP="${DUMP:-$OUT/dump-$SPANS.jsonl}"
METRICS="${METRICS:-$OUT/drift-metrics-$SERIES.prom}"
JAR="${JAR:-$ROOT/cli/target/traceguard.jar}"
mkdir -p "$OUT"

if [[ ! -s "$DUMP" ]]; then
    echo "== generating $DUMP ($SPANS spans)"
    "$PYTHON" bench/gen_otlp_dump.py "$DUMP" --spans "$SPANS"
fi
if [[ ! -s "$METRICS" ]]; then
    echo "== generating $METRICS ($SERIES histogram bucket series)"
    "$PYTHON" - "$METRICS" "$SERIES" <<'PY'
import random, sys
path, series = sys.argv[1], int(sys.argv[2])
bounds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
rng = random.Random(1)
out = ["# TYPE vllm:e2e_request_latency_seconds histogram"]
n = 0
combo = 0
while n < series:
    model, version, pod = "model-%d" % (combo // 20), "v%d" % (combo % 2 + 1), "pod-%d" % (combo % 20)
    labels = 'model_name="%s",version="%s",pod="%s"' % (model, version, pod)
    total, cum = rng.randint(1000, 100000), 0
    shares = sorted(rng.random() for _ in bounds)
    for b, s in zip(bounds, shares):
        out.append('vllm:e2e_request_latency_seconds_bucket{%s,le="%s"} %d' % (labels, b, int(total * s)))
    out.append('vllm:e2e_request_latency_seconds_bucket{%s,le="+Inf"} %d' % (labels, total))
    out.append('vllm:e2e_request_latency_seconds_count{%s} %d' % (labels, total))
    n += len(bounds) + 1
    combo += 1
open(path, "w").write("\n".join(out) + "\n")
PY
fi
if [[ ! -s "$JAR" ]]; then
    echo "== building $JAR"
    mvn -q -B -DskipTests package
fi

# measure LOG CMD...: runs CMD; leaves "wall_s max_rss_kb exit_code" in $LOG.measure
measure() {
    local log="$1"; shift
    local rc=0 t0 t1 pid hwm=0 v
    t0=$(date +%s.%N)
    "$@" >"$log.stdout" 2>"$log.stderr" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [[ -n "$v" && "$v" -gt "$hwm" ]] && hwm=$v
        sleep 0.2
    done
    wait "$pid" || rc=$?
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') $hwm $rc" >"$log.measure"
}

echo "== dump: $DUMP ($(stat -c %s "$DUMP") bytes) + $METRICS"
"$JAVA" -version 2>&1 | head -n 1
BEST_READ=""; BEST_DRIFT=""; RSS_READ=0; RSS_DRIFT=0; FAILED=0
for run in $(seq 1 "$RUNS"); do
    # reading alone: no analyzer selected
    measure "$OUT/drift-read" "$JAVA" "-Xmx$HEAP" -jar "$JAR" analyze --analyzers '' --fail-on never \
        --format json "$DUMP" "$METRICS"
    read -r W R C <"$OUT/drift-read.measure"
    echo "   run $run read only: ${W}s exit $C rss $((R / 1024)) MiB"
    [[ "$C" == 0 || "$C" == 3 ]] || FAILED=1
    if [[ -z "$BEST_READ" ]] || awk -v a="$W" -v b="$BEST_READ" 'BEGIN {exit !(a < b)}'; then BEST_READ=$W; fi
    (( R > RSS_READ )) && RSS_READ=$R
    measure "$OUT/drift-drift" "$JAVA" "-Xmx$HEAP" -jar "$JAR" analyze --analyzers drift --fail-on never \
        --format json "$DUMP" "$METRICS"
    read -r W R C <"$OUT/drift-drift.measure"
    echo "   run $run drift:     ${W}s exit $C rss $((R / 1024)) MiB"
    [[ "$C" == 0 || "$C" == 3 ]] || FAILED=1
    if [[ -z "$BEST_DRIFT" ]] || awk -v a="$W" -v b="$BEST_DRIFT" 'BEGIN {exit !(a < b)}'; then BEST_DRIFT=$W; fi
    (( R > RSS_DRIFT )) && RSS_DRIFT=$R
done
tail -n 3 "$OUT/drift-drift.stderr" 2>/dev/null | sed 's/^/   stderr: /' || true

# In one JVM: read once, then time the drift analyzer alone (best of 3), so the ratio does not
# depend on load that differs between the two processes above.
echo "== in-process: read, then the drift analyzer alone"
"$JAVA" "-Xmx$HEAP" -cp "$JAR" bench/DriftTime.java "$DUMP" "$METRICS" | tee "$OUT/drift-inprocess.stdout" || FAILED=1
IN_READ=$(sed -n 's/^READ_SECONDS=//p' "$OUT/drift-inprocess.stdout")
IN_DRIFT=$(sed -n 's/^DRIFT_SECONDS=//p' "$OUT/drift-inprocess.stdout")
IN_RATIO=$(awk -v a="$IN_DRIFT" -v b="$IN_READ" 'BEGIN { if (b > 0) printf "%.3f", (a + b) / b; else print "n/a" }')

RATIO=$(awk -v a="$BEST_DRIFT" -v b="$BEST_READ" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
STATS=$("$PYTHON" - "$OUT/drift-drift.stdout" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("n/a (%s)" % e); sys.exit(0)
a = d.get("summary", {}).get("analyzed", {})
rules = {}
for f in d.get("findings", []):
    rules[f["rule"]] = rules.get(f["rule"], 0) + 1
print("comparisons %s, tests %s, findings %s" % (a.get("driftComparisons"), a.get("driftTests"), rules or 0))
PY
)

echo
echo "== summary"
printf '%-30s %s\n' "dump" "$DUMP"
printf '%-30s %s s (best of %s), peak RSS %s MiB\n' "read only" "$BEST_READ" "$RUNS" "$((RSS_READ / 1024))"
printf '%-30s %s s (best of %s), peak RSS %s MiB\n' "read + drift" "$BEST_DRIFT" "$RUNS" "$((RSS_DRIFT / 1024))"
printf '%-30s %s (target <= 1.30)\n' "drift / read" "$RATIO"
printf '%-30s read %s s, drift alone %s s: (read + drift) / read = %s (target <= 1.30)\n' "in-process" \
    "$IN_READ" "$IN_DRIFT" "$IN_RATIO"
printf '%-30s %s\n' "drift" "$STATS"
[[ "$FAILED" == 0 ]]
