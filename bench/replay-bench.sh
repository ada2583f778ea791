#!/usr/bin/env bash
# Benchmarks `traceguard replay` of a large collector file-exporter dump into a loopback OTLP
# receiver (bench/OtlpSink.java: decodes every request fully), over gRPC and HTTP/protobuf, in a
# small heap to show the replay streams; and `traceguard analyze` reading the same dump, for the
# ratio.
#
#   bench/replay-bench.sh                         # 1M spans, dump in bench/out/
#   SPANS=200000 bench/replay-bench.sh            # smaller dump
#   DUMP=/data/big.jsonl bench/replay-bench.sh    # any existing dump
#
# Environment: SPANS (1000000), SERVICES (40), DUMP (bench/out/dump-<SPANS>.jsonl), HEAP (256m for
# replay), ANALYZE_HEAP (1g), JAVA (java), PYTHON (python3), JAR (cli/target/traceguard.jar),
# GRPC_PORT (24317), HTTP_PORT (24318). Logs go to bench/out/ (git-ignored).
# Exit status: 0 when every span arrived over both protocols within the heap, 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SPANS="${SPANS:-1000000}"
SERVICES="${SERVICES:-40}"
HEAP="${HEAP:-256m}"
ANALYZE_HEAP="${ANALYZE_HEAP:-1g}"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"
OUT="$ROOT/bench/out"
DUMP="${DUMP:-$OUT/dump-$SPANS.jsonl}"
JAR="${JAR:-$ROOT/cli/target/traceguard.jar}"
GRPC_PORT="${GRPC_PORT:-24317}"
HTTP_PORT="${HTTP_PORT:-24318}"
mkdir -p "$OUT"

if [[ ! -s "$DUMP" ]]; then
    echo "== generating $DUMP ($SPANS spans, $SERVICES services)"
    "$PYTHON" bench/gen_otlp_dump.py "$DUMP" --spans "$SPANS" --services "$SERVICES"
fi
if [[ ! -s "$JAR" ]]; then
    echo "== building $JAR"
    mvn -q -B -DskipTests package
fi

# measure NAME CMD...: wall seconds and peak RSS (KiB) of CMD into $OUT/NAME.measure
measure() {
    local name="$1"; shift
    local t0 t1 pid hwm=0 v rc=0
    t0=$(date +%s.%N)
    "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [[ -n "$v" && "$v" -gt "$hwm" ]] && hwm=$v
        sleep 0.2
    done
    wait "$pid" || rc=$?
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') $hwm $rc" >"$OUT/$name.measure"
}

echo "== starting the loopback receiver (grpc $GRPC_PORT, http $HTTP_PORT)"
COUNTS="$OUT/sink-counts.txt"
rm -f "$COUNTS"
"$JAVA" -cp "$JAR" bench/OtlpSink.java "$GRPC_PORT" "$HTTP_PORT" "$COUNTS" >"$OUT/sink.log" 2>&1 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    grep -q listening "$OUT/sink.log" 2>/dev/null && break
    sleep 0.5
done
grep -q listening "$OUT/sink.log" || { echo "receiver did not start"; cat "$OUT/sink.log"; exit 1; }

sink_spans() { sleep 1.5; awk '{print $1}' "$COUNTS"; }

BYTES=$(stat -c %s "$DUMP")
echo "== dump: $DUMP ($BYTES bytes)"
"$JAVA" -version 2>&1 | head -n 1

echo "== traceguard analyze, -Xmx$ANALYZE_HEAP"
measure analyze "$JAVA" "-Xmx$ANALYZE_HEAP" -jar "$JAR" analyze --fail-on never --format json "$DUMP"
read -r AN_WALL AN_RSS AN_RC <"$OUT/analyze.measure"

OK=yes
declare -A WALL RSS RC GOT
for proto in grpc http/protobuf; do
    name="replay-${proto//\//-}"
    port=$GRPC_PORT; [[ $proto == grpc ]] || port=$HTTP_PORT
    before=$(sink_spans)
    echo "== traceguard replay --protocol $proto, -Xmx$HEAP"
    measure "$name" "$JAVA" "-Xmx$HEAP" -jar "$JAR" replay --protocol "$proto" \
        --endpoint "http://127.0.0.1:$port" --format json "$DUMP"
    read -r w r c <"$OUT/$name.measure"
    after=$(sink_spans)
    WALL[$proto]=$w; RSS[$proto]=$r; RC[$proto]=$c; GOT[$proto]=$((after - before))
    tail -n 3 "$OUT/$name.stderr" 2>/dev/null | sed 's/^/   stderr: /' || true
    if [[ "$c" != 0 ]]; then OK=no; fi
done
READ=$(grep -o '"read" : [0-9]*' "$OUT/replay-grpc.stdout" | head -n 1 | grep -o '[0-9]*$' || echo 0)

echo
echo "== summary"
printf '%-34s %s\n' "dump" "$DUMP ($(awk -v n="$BYTES" 'BEGIN {printf "%.0f MiB", n / 1048576}'))"
printf '%-34s %s\n' "spans in dump (replay read)" "$READ"
printf '%-34s %s s (exit %s), peak RSS %s MiB\n' "analyze wall" "$AN_WALL" "$AN_RC" "$((AN_RSS / 1024))"
for proto in grpc http/protobuf; do
    rate=$(awk -v n="$READ" -v s="${WALL[$proto]}" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }')
    ratio=$(awk -v a="${WALL[$proto]}" -v b="$AN_WALL" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '%-34s %s s (exit %s), peak RSS %s MiB, %s spans/s, %s x analyze, receiver got %s\n' \
        "replay $proto (-Xmx$HEAP)" "${WALL[$proto]}" "${RC[$proto]}" "$((${RSS[$proto]} / 1024))" \
        "$rate" "$ratio" "${GOT[$proto]}"
    [[ "${GOT[$proto]}" == "$READ" ]] || OK=no
done
printf '%-34s %s\n' "every span arrived, in heap" "$OK"
[[ "$OK" == yes ]]
