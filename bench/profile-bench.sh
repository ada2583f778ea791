#!/usr/bin/env bash
# Speed and overhead of `traceguard profile`, against the InferenceWorkload test program:
#  1. one snapshot (`profile --pid P --duration 0`) vs `jcmd P GC.heap_info`, same target, same run;
#  2. the workload's throughput with and without `profile` attached at a 1 s interval;
#  3. `traceguard --version` wall time, plain and with an AppCDS archive.
# Usage: bench/profile-bench.sh [runs]   (builds nothing: run `mvn -q -B -pl cli -am package` and
# `mvn -q -B -pl commands -am test-compile` first). Prints medians in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
jar=cli/target/traceguard.jar
cp="commands/target/test-classes:commands/target/classes"
[ -f "$jar" ] || { echo "profile-bench: $jar missing; run mvn -q -B -pl cli -am package -DskipTests" >&2; exit 2; }
[ -f commands/target/test-classes/dev/traceguard/commands/profile/InferenceWorkload.class ] || {
  echo "profile-bench: workload not compiled; run mvn -q -B -pl commands -am test-compile" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "profile-bench: jcmd not found (install a JDK)" >&2; exit 2; }

tmp="$(mktemp -d)"
wl_pid=""
cleanup() { [ -n "$wl_pid" ] && kill "$wl_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"

# The target: request threads reporting requests per second. With taskset and 2+ CPUs the target
# runs on CPU 0 and traceguard on the others, so the throughput compares the target's own cost of
# being profiled (JMX, JFR in the target) rather than two processes fighting for one core.
pin_target=(); pin_tool=(); threads=2
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_target=(taskset -c 0); pin_tool=(taskset -c "1-$(( $(nproc) - 1 ))"); threads=1
fi
"${pin_target[@]}" java -Xmx256m -cp "$cp" dev.traceguard.commands.profile.InferenceWorkload --threads "$threads" --report > "$tmp/wl.out" 2>&1 &
wl_pid=$!
for _ in $(seq 100); do grep -q READY "$tmp/wl.out" && break; sleep 0.1; done
sleep 2

echo "== 1. one snapshot vs jcmd GC.heap_info (pid $wl_pid, $runs runs each, alternating)"
# Warm-up: the first attach starts the target's management agent and JFR; later ones reuse them.
java -jar "$jar" profile --pid "$wl_pid" --duration 0 > /dev/null
jcmd "$wl_pid" GC.heap_info > /dev/null
: > "$tmp/snap"; : > "$tmp/snapnojfr"; : > "$tmp/jcmd"
for _ in $(seq "$runs"); do
  t=$(now_ms); java -jar "$jar" profile --pid "$wl_pid" --duration 0 > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/snap"
  t=$(now_ms); java -jar "$jar" profile --pid "$wl_pid" --duration 0 --no-jfr > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/snapnojfr"
  t=$(now_ms); jcmd "$wl_pid" GC.heap_info > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/jcmd"
done
s=$(median < "$tmp/snap"); sn=$(median < "$tmp/snapnojfr"); j=$(median < "$tmp/jcmd")
echo "profile --duration 0:          median ${s} ms  (runs: $(tr '\n' ' ' < "$tmp/snap"))"
echo "profile --duration 0 --no-jfr: median ${sn} ms  (runs: $(tr '\n' ' ' < "$tmp/snapnojfr"))"
echo "jcmd GC.heap_info:             median ${j} ms  (runs: $(tr '\n' ' ' < "$tmp/jcmd"))"
awk -v s="$s" -v n="$sn" -v j="$j" 'BEGIN {printf "ratio profile/jcmd: %.2f (with JFR), %.2f (--no-jfr)\n", s/j, n/j}'

echo "== 2. workload throughput, 1 s interval (requests/s, mean of each 12 s phase; pinned: ${pin_target[*]:-no})"
ops_between() { awk -v a="$1" -v b="$2" '/^OPS/ {n++; if (n>a && n<=b) {s+=$2; c++}} END {printf "%.0f", s/c}' "$tmp/wl.out"; }
lines() { grep -c '^OPS' "$tmp/wl.out"; }
a=$(lines); sleep 12; b=$(lines); base1=$(ops_between "$a" "$b")
"${pin_tool[@]}" java -jar "$jar" profile --pid "$wl_pid" --duration 20s --interval 1s > /dev/null &
prof=$!
sleep 6  # attach and JFR start-up are not the steady state
a=$(lines); sleep 12; b=$(lines); with=$(ops_between "$a" "$b")
wait "$prof" || true
sleep 2
a=$(lines); sleep 12; b=$(lines); base2=$(ops_between "$a" "$b")
echo "without: $base1, with profile: $with, without again: $base2"
awk -v a="$base1" -v w="$with" -v c="$base2" 'BEGIN {b=(a+c)/2; printf "throughput drop with profile attached: %.1f%% (against the mean of both baselines)\n", (b-w)*100/b}'

echo "== 3. traceguard --version wall time ($runs runs)"
: > "$tmp/v"; : > "$tmp/vcds"
java -XX:ArchiveClassesAtExit="$tmp/tg.jsa" -jar "$jar" --version > /dev/null 2>&1
for _ in $(seq "$runs"); do
  t=$(now_ms); java -jar "$jar" --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/v"
  t=$(now_ms); java -XX:SharedArchiveFile="$tmp/tg.jsa" -jar "$jar" --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/vcds"
done
echo "--version: median $(median < "$tmp/v") ms plain, $(median < "$tmp/vcds") ms with AppCDS (-XX:SharedArchiveFile)"
