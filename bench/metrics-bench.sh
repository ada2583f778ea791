#!/usr/bin/env bash
# What the metrics analyzer adds to reading a dump, on a large OpenMetrics dump with timestamps
# and on a large OTLP span dump (the error taxonomy), each in a 1 GiB heap: (a) in process
# (bench/MetricsTiming.java: read time, then the analyzer alone, best of 3), and (b) the whole CLI,
# `traceguard analyze --analyzers ''` (read only) against `--analyzers metrics`, best of 3.
#
#   bench/metrics-bench.sh                         # 5000 series x 240 points, 1M spans
#   SERIES=20000 POINTS=480 SPANS=0 bench/metrics-bench.sh
#
# Environment: SERIES (5000), POINTS (240), SPANS (1000000; 0 skips the span run), HEAP (1g),
# JAVA (java), PYTHON (python3), JAR (cli/target/traceguard.jar). Dumps and logs go to bench/out/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SERIES="${SERIES:-5000}"
POINTS="${POINTS:-240}"
SPANS="${SPANS:-1000000}"
HEAP="${HEAP:-1g}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
JAR="${JAR:-$ROOT/cli/target/traceguard.jar}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
[[ -s "$JAR" ]] || mvn -q -B -DskipTests package

# best of 3 wall-clock seconds of: analyze --analyzers $1 $2
best_of_3() {
    local best=""
    for _ in 1 2 3; do
        local t0 t1 s
        t0=$(date +%s.%N)
        "$JAVA" "-Xmx$HEAP" -jar "$JAR" analyze --fail-on never --format json --analyzers "$1" "$2" \
            >"$OUT/metrics-bench.json" 2>"$OUT/metrics-bench.stderr" || [[ $? == 3 ]]
        t1=$(date +%s.%N)
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
        if [[ -z "$best" ]] || awk -v a="$s" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$s; fi
    done
    echo "$best"
}

compare() {
    local what="$1" dump="$2"
    echo "== $what: $dump ($(stat -c %s "$dump") bytes)"
    "$JAVA" "-Xmx$HEAP" -cp "$JAR" bench/MetricsTiming.java "$dump" | sed 's/^/   /' | tee "$OUT/metrics-timing.txt"
    awk -F= '/READ_SECONDS/ {r = $2} /ANALYZE_SECONDS/ {a = $2}
        END {printf "   in process: the analyzer adds %.1f%% to reading\n", a / r * 100}' "$OUT/metrics-timing.txt"
    local read_s with_s
    read_s=$(best_of_3 "" "$dump")
    with_s=$(best_of_3 metrics "$dump")
    grep -o '"rule" : "[a-z-]*"' "$OUT/metrics-bench.json" | sort | uniq -c | sed 's/^/   /' || true
    printf '   read only %s s, read + metrics %s s, metrics adds %s%%\n' "$read_s" "$with_s" \
        "$(awk -v a="$read_s" -v b="$with_s" 'BEGIN {printf "%.0f", (b - a) / a * 100}')"
}

"$JAVA" -version 2>&1 | head -n 1
OM="$OUT/metrics-$SERIES-x$POINTS.om.txt"
[[ -s "$OM" ]] || "$PYTHON" bench/gen_metrics_dump.py "$OM" --series "$SERIES" --points "$POINTS"
compare "OpenMetrics dump, $SERIES series x $POINTS points" "$OM"
if [[ "$SPANS" != 0 ]]; then
    SP="$OUT/dump-$SPANS.jsonl"
    [[ -s "$SP" ]] || "$PYTHON" bench/gen_otlp_dump.py "$SP" --spans "$SPANS" --services 40
    compare "OTLP span dump, $SPANS spans" "$SP"
fi
