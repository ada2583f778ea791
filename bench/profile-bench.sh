#!/usr/bin/env bash
# Speed and overhead of `traceguard profile`, against the InferenceWorkload test program:
#  1. one snapshot (`profile --pid P --duration 0`) vs `jcmd P GC.heap_info`, same target, same run;
#  2. the workload's throughput with and without `profile` attached at a 1 s interval;
#  3. `traceguard --version` wall time, through the launcher and as a bare java -jar.
# Usage: bench/profile-bench.sh [runs]   (builds nothing: run `mvn -q -B -pl cli -am package -DskipTests` and
# `mvn -q -B -pl commands -am test-compile` first). Prints medians in milliseconds. The tool runs as
# users run it, through the ./traceguard launcher (AppCDS archive, quick-start flags), and for
# comparison as a bare `java -jar`.
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
# Warm-up: the launcher makes its class-data archive on first use; the first attach starts the
# target's attach listener (jcmd and traceguard alike).
./traceguard --version > /dev/null
./traceguard profile --pid "$wl_pid" --duration 0 > /dev/null
jcmd "$wl_pid" GC.heap_info > /dev/null
: > "$tmp/snap"; : > "$tmp/snapjar"; : > "$tmp/jcmd"
for _ in $(seq "$runs"); do
  t=$(now_ms); ./traceguard profile --pid "$wl_pid" --duration 0 > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/snap"
  t=$(now_ms); jcmd "$wl_pid" GC.heap_info > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/jcmd"
  t=$(now_ms); java -jar "$jar" profile --pid "$wl_pid" --duration 0 > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/snapjar"
done
s=$(median < "$tmp/snap"); sj=$(median < "$tmp/snapjar"); j=$(median < "$tmp/jcmd")
echo "traceguard profile --duration 0:     median ${s} ms  (runs: $(tr '\n' ' ' < "$tmp/snap"))"
echo "java -jar traceguard.jar (same):     median ${sj} ms  (runs: $(tr '\n' ' ' < "$tmp/snapjar"))"
echo "jcmd GC.heap_info:                   median ${j} ms  (runs: $(tr '\n' ' ' < "$tmp/jcmd"))"
awk -v s="$s" -v n="$sj" -v j="$j" 'BEGIN {printf "ratio profile/jcmd: %.2f (launcher), %.2f (bare java -jar)\n", s/j, n/j}'
echo "load after part 1: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 2. workload throughput, 1 s interval (requests/s, mean of each 12 s phase; pinned: ${pin_target[*]:-no})"
# Requests per second depend on what else the machine runs; requests per CPU-second of the target
# do not (other processes taking its core lower both), so that is the figure to read on a busy
# machine: it drops only by what profiling costs inside the target.
ops_between() { awk -v a="$1" -v b="$2" '/^OPS/ {n++; if (n>a && n<=b) {s+=$2; c++}} END {printf "%.0f", s/c}' "$tmp/wl.out"; }
ops_sum() { awk -v a="$1" -v b="$2" '/^OPS/ {n++; if (n>a && n<=b) s+=$2} END {printf "%.0f", s}' "$tmp/wl.out"; }
lines() { grep -c '^OPS' "$tmp/wl.out"; }
ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$wl_pid/stat"; }
hz=$(getconf CLK_TCK)
phase() {  # prints "requests/s requests-per-cpu-second"
  local a b ta tb
  a=$(lines); ta=$(ticks); sleep 12; b=$(lines); tb=$(ticks)
  awk -v r="$(ops_between "$a" "$b")" -v o="$(ops_sum "$a" "$b")" -v c="$(( tb - ta ))" -v hz="$hz" \
    'BEGIN {printf "%s %.0f", r, (c > 0 ? o / (c / hz) : 0)}'
}
read -r base1 cpu1 <<< "$(phase)"
"${pin_tool[@]}" ./traceguard profile --pid "$wl_pid" --duration 20s --interval 1s > /dev/null &
prof=$!
sleep 6  # attach and JFR start-up are not the steady state
read -r with cpuw <<< "$(phase)"
wait "$prof" || true
sleep 2
read -r base2 cpu2 <<< "$(phase)"
echo "requests/s          without: $base1, with profile: $with, without again: $base2"
echo "requests/CPU-second without: $cpu1, with profile: $cpuw, without again: $cpu2"
awk -v a="$base1" -v w="$with" -v c="$base2" 'BEGIN {b=(a+c)/2; printf "throughput drop with profile attached: %.1f%% (against the mean of both baselines)\n", (b-w)*100/b}'
awk -v a="$cpu1" -v w="$cpuw" -v c="$cpu2" 'BEGIN {b=(a+c)/2; printf "per-CPU-second drop with profile attached: %.1f%% (the target'"'"'s own cost)\n", (b-w)*100/b}'
echo "load after part 2: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 3. traceguard --version wall time ($runs runs)"
: > "$tmp/v"; : > "$tmp/vjar"
for _ in $(seq "$runs"); do
  t=$(now_ms); ./traceguard --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/v"
  t=$(now_ms); java -jar "$jar" --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/vjar"
done
echo "--version: median $(median < "$tmp/v") ms with the launcher, $(median < "$tmp/vjar") ms as bare java -jar"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
