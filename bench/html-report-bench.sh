#!/usr/bin/env bash
# Times `traceguard analyze --format html` against `--format json` on a large dump plus the broken,
# drift and OOM samples (so the page has findings, waterfalls, distributions and memory timelines
# to draw), and reports the page size.
#
#   bench/html-report-bench.sh                    # 1M spans, dump in bench/out/
#   SPANS=5000000 bench/html-report-bench.sh
#
# Environment: SPANS (1000000), HEAP (1g), JAVA (java), PYTHON (python3),
# JAR (cli/target/traceguard.jar). Writes to bench/out/ (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPANS="${SPANS:-1000000}"
HEAP="${HEAP:-1g}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
OUT="$ROOT/bench/out"
DUMP="$OUT/dump-$SPANS.jsonl"
JAR="${JAR:-$ROOT/cli/target/traceguard.jar}"
mkdir -p "$OUT"

if [[ ! -s "$DUMP" ]]; then
    echo "== generating $DUMP ($SPANS spans)"
    "$PYTHON" bench/gen_otlp_dump.py "$DUMP" --spans "$SPANS"
fi
if [[ ! -s "$JAR" ]]; then
    echo "== building $JAR"
    mvn -q -B -DskipTests package
fi

# seconds FORMAT OUTFILE: wall seconds of one analyze run
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$JAVA" "-Xmx$HEAP" -jar "$JAR" analyze --fail-on never --format "$1" -o "$2" "$DUMP" testdata/broken \
        testdata/drift/rollout.jsonl testdata/drift/rollout-metrics.prom testdata/oom/vllm-kv-oomkill.om.txt
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'
}

JSON_S=$(seconds json "$OUT/report.json")
HTML_S=$(seconds html "$OUT/report.html")
FINDINGS=$(grep -c '"rule" : ' "$OUT/report.json" || true)
ARTICLES=$(grep -o '<article class="finding ' "$OUT/report.html" | wc -l)
WATERFALLS=$(grep -o '<figure class="waterfall"' "$OUT/report.html" | wc -l)
DRIFT=$(grep -o '<figure class="drift-chart"' "$OUT/report.html" | wc -l)
OOM=$(grep -o '<figure class="oom-chart"' "$OUT/report.html" | wc -l)

echo "== summary"
printf '%-28s %s (%s bytes)\n' "dump" "$DUMP" "$(stat -c %s "$DUMP")"
printf '%-28s %s s\n' "analyze --format json" "$JSON_S"
printf '%-28s %s s\n' "analyze --format html" "$HTML_S"
printf '%-28s %s KiB, %s findings shown (JSON: %s), %s waterfalls, %s drift charts, %s memory charts\n' \
    "report.html" "$(( $(stat -c %s "$OUT/report.html") / 1024 ))" "$ARTICLES" "$FINDINGS" "$WATERFALLS" \
    "$DRIFT" "$OOM"
[[ "$ARTICLES" == "$FINDINGS" ]]
