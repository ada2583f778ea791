#!/usr/bin/env bash
# Benchmarks `traceguard analyze` on a large collector file-exporter dump against the parse floor
# (a bare Jackson token scan of the same file), in a 1 GiB heap. analyze runs as users run it,
# through ./traceguard (its collector and huge-page flags), unless JAR names another jar.
#
#   bench/analyze-bench.sh                      # 5M spans, 40 services, dump in bench/out/
#   SPANS=1000000 bench/analyze-bench.sh        # smaller dump
#   DUMP=/data/big.jsonl bench/analyze-bench.sh # any existing dump
#
# Environment: SPANS (5000000), SERVICES (40), DUMP (bench/out/dump-<SPANS>.jsonl), HEAP (1g), RUNS (3),
# JAVA (java), PYTHON (python3), JAR (cli/target/traceguard.jar). Writes logs to bench/out/ (git-ignored).
# Exit status: 0 when analyze finished within the heap (as run in (b), and with the JVM's default
# collector), 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPANS="${SPANS:-5000000}"
SERVICES="${SERVICES:-40}"
HEAP="${HEAP:-1g}"
RUNS="${RUNS:-3}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
OUT="$ROOT/bench/out"
DUMP="${DUMP:-$OUT/dump-$SPANS.jsonl}"
JAR="${JAR:-$ROOT/cli/target/traceguard.jar}"
mkdir -p "$OUT"

if [[ ! -s "$DUMP" ]]; then
    echo "== generating $DUMP ($SPANS spans, $SERVICES services)"
    "$PYTHON" bench/gen_otlp_dump.py "$DUMP" --spans "$SPANS" --services "$SERVICES"
fi
if [[ ! -s "$JAR" ]]; then
    echo "== building $JAR"
    mvn -q -B -DskipTests package
fi

TIME_BIN=""
if [[ -x /usr/bin/time ]]; then
    TIME_BIN=/usr/bin/time
elif command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    apt-get install -y -qq time >/dev/null 2>&1 && TIME_BIN=/usr/bin/time || true
fi

# run_measured LOG CMD...: runs CMD, leaves "wall_s max_rss_kb exit_code" in $LOG.measure
run_measured() {
    local log="$1"; shift
    local rc=0
    if [[ -n "$TIME_BIN" ]]; then
        "$TIME_BIN" -f '%e %M' -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr" || rc=$?
        # GNU time prints "Command exited with non-zero status N" before the format line
        echo "$(tail -n 1 "$log.time") $rc" >"$log.measure"
    else
        # no GNU time: poll the process's high-water mark from /proc
        local t0 t1 pid hwm=0 v
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
    fi
}

BYTES=$(stat -c %s "$DUMP")
echo "== dump: $DUMP ($BYTES bytes)"
"$JAVA" -version 2>&1 | head -n 1

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The launcher makes its class-data archive on first use after a build: not part of a timed run.
if [[ "$JAR" == "$ROOT/cli/target/traceguard.jar" ]]; then
    "$ROOT/traceguard" --version >/dev/null
fi
# Each of (a) and (b) runs RUNS times, alternating, in fresh JVMs; the ratio is of the medians
# (one run of each swings by 30% on a shared machine).
SCANS=(); WALLS=()
for run in $(seq "$RUNS"); do
    echo "== (a) parse floor: Jackson token scan (run $run of $RUNS)"
    run_measured "$OUT/scan" "$JAVA" -cp "$JAR" bench/JacksonScan.java "$DUMP"
    cat "$OUT/scan.stdout"
    read -r SCAN_WALL SCAN_RSS SCAN_RC <"$OUT/scan.measure"
    s=$(sed -n 's/^SCAN_SECONDS=//p' "$OUT/scan.stdout" | head -n 1)
    SCANS+=("${s:-$SCAN_WALL}")

    rm -f "$OUT/gc.log"
    if [[ "$JAR" == "$ROOT/cli/target/traceguard.jar" ]]; then
        echo "== (b) ./traceguard analyze, JAVA_OPTS=-Xmx$HEAP: as users run it (run $run of $RUNS)"
        JAVA_OPTS="-Xmx$HEAP -Xlog:gc:file=$OUT/gc.log" run_measured "$OUT/analyze" \
            "$ROOT/traceguard" analyze --fail-on never --format json "$DUMP"
    else
        echo "== (b) traceguard analyze, -Xmx$HEAP, serial GC (run $run of $RUNS)"
        run_measured "$OUT/analyze" "$JAVA" "-Xmx$HEAP" -XX:+UseSerialGC "-Xlog:gc:file=$OUT/gc.log" \
            -jar "$JAR" analyze --fail-on never --format json "$DUMP"
    fi
    read -r AN_WALL AN_RSS AN_RC <"$OUT/analyze.measure"
    WALLS+=("$AN_WALL")
    echo "   scan ${SCANS[-1]} s, analyze $AN_WALL s (exit $AN_RC)"
done
PAIRS=()
for i in "${!SCANS[@]}"; do
    PAIRS+=("$(awk -v a="${WALLS[$i]}" -v b="${SCANS[$i]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }')")
done
PAIR_RATIO=$(printf '%s\n' "${PAIRS[@]}" | median)
SCAN_S=$(printf '%s\n' "${SCANS[@]}" | median)
AN_WALL=$(printf '%s\n' "${WALLS[@]}" | median)

OOM=no
if grep -q "OutOfMemoryError" "$OUT/analyze.stderr" 2>/dev/null; then OOM=yes; fi
# heap after GC: "... Pause Young (Allocation Failure) 301M->120M(989M) 35.1ms". A young
# collection that could not promote ("939M->939M") says nothing of the live heap; the full
# collection right after it does.
MAX_AFTER_GC=$({ grep -o '[0-9]*[KMG]->[0-9]*[KMG]' "$OUT/gc.log" 2>/dev/null || true; } \
    | awk -F'->' '
        function mib(v) { if (v ~ /K$/) return (v + 0) / 1024; if (v ~ /G$/) return (v + 0) * 1024; return v + 0 }
        { b = mib($1); a = mib($2); if (a < b && a > m) m = a; n++ }
        END { if (n) printf "%.0f MiB", m; else print "n/a" }')
GCS=$({ grep 'Pause' "$OUT/gc.log" 2>/dev/null || true; } | wc -l)
tail -n 5 "$OUT/analyze.stderr" 2>/dev/null | sed 's/^/   stderr: /' || true

IN_HEAP=yes
if [[ "$OOM" == yes || ( "$AN_RC" != 0 && "$AN_RC" != 3 ) ]]; then IN_HEAP=no; fi
RATIO=$(awk -v a="$AN_WALL" -v b="$SCAN_S" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
MIBS=$(awk -v n="$BYTES" -v s="$AN_WALL" 'BEGIN { if (s > 0) printf "%.0f", n / s / 1048576; else print "n/a" }')

echo "== (c) java -Xmx$HEAP -jar: a bare JVM with its default collector"
run_measured "$OUT/analyze-default" "$JAVA" "-Xmx$HEAP" -jar "$JAR" analyze --fail-on never --format json "$DUMP"
read -r DEF_WALL DEF_RSS DEF_RC <"$OUT/analyze-default.measure"
DEF_GC=$("$JAVA" "-Xmx$HEAP" -XX:+PrintFlagsFinal -version 2>/dev/null \
    | awk '$2 ~ /^Use(Serial|Parallel|G1|Z|Shenandoah)GC$/ && $4 == "true" {print $2}' | head -n 1)

echo "== (d) java -Xmx$HEAP -XX:+UseSerialGC -jar: a bare JVM, no launcher flags"
run_measured "$OUT/analyze-serial" "$JAVA" "-Xmx$HEAP" -XX:+UseSerialGC -jar "$JAR" analyze --fail-on never --format json "$DUMP"
read -r SER_WALL SER_RSS SER_RC <"$OUT/analyze-serial.measure"

echo
echo "== summary"
printf '%-30s %s\n' "dump" "$DUMP"
printf '%-30s %s\n' "size" "$(awk -v n="$BYTES" 'BEGIN {printf "%.2f GiB", n / 1073741824}')"
printf '%-30s %s s  (median; runs: %s)\n' "scan floor (in-process)" "$SCAN_S" "${SCANS[*]}"
printf '%-30s %s s  (median; runs: %s; last exit %s), peak RSS %s MiB\n' "analyze wall" "$AN_WALL" "${WALLS[*]}" "$AN_RC" "$((AN_RSS / 1024))"
printf '%-30s %s MiB/s\n' "analyze throughput" "$MIBS"
printf '%-30s %s  (ratio of the medians)\n' "analyze / floor" "$RATIO"
printf '%-30s %s  (median of the runs'"'"' own ratios: %s)\n' "analyze / floor, per run" "$PAIR_RATIO" "${PAIRS[*]}"
printf '%-30s %s (max heap after GC %s, %s GC pauses)\n' "stayed in -Xmx$HEAP" "$IN_HEAP" "$MAX_AFTER_GC" "$GCS"
printf '%-30s %s s (exit %s), peak RSS %s MiB\n' "analyze wall, ${DEF_GC:-default GC}" "$DEF_WALL" "$DEF_RC" "$((DEF_RSS / 1024))"
printf '%-30s %s s (exit %s), peak RSS %s MiB\n' "analyze wall, bare serial GC" "$SER_WALL" "$SER_RC" "$((SER_RSS / 1024))"
[[ "$IN_HEAP" == yes && ( "$DEF_RC" == 0 || "$DEF_RC" == 3 ) ]]
