#!/usr/bin/env bash
# Speed and overhead of `traceguard profile`, against the InferenceWorkload test program:
#  1. one snapshot (`profile --pid P --duration 0`) vs `jcmd P GC.heap_info`, same target, same run;
#  2. the workload's throughput with and without `profile` attached at a 1 s interval;
#  3. `traceguard --version` wall time, through the launcher and as a bare java -jar.
# Usage: [PROFILE_ARGS='--no-jfr'] bench/profile-bench.sh [runs]   (PROFILE_ARGS: added to the profile sessions of
# part 2; builds nothing: run `mvn -q -B -pl cli -am package -DskipTests` and
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
# Wall time, and CPU time (user+sys, all threads) where GNU time is installed: on a machine shared
# with other work the CPU figure moves less than the wall time.
gnu_time=""; [ -x /usr/bin/time ] && gnu_time=/usr/bin/time
timed() {  # timed NAME command...: appends wall ms to $tmp/NAME, CPU ms to $tmp/NAME.cpu
  local name=$1 t; shift
  t=$(now_ms)
  if [ -n "$gnu_time" ]; then
    "$gnu_time" -f "%U %S" -o "$tmp/time.out" "$@" > /dev/null
    awk '{printf "%d\n", ($1 + $2) * 1000}' "$tmp/time.out" >> "$tmp/$name.cpu"
  else
    "$@" > /dev/null
  fi
  echo $(( $(now_ms) - t )) >> "$tmp/$name"
}
: > "$tmp/snap"; : > "$tmp/snapjar"; : > "$tmp/jcmd"; : > "$tmp/snap.cpu"; : > "$tmp/snapjar.cpu"; : > "$tmp/jcmd.cpu"
for _ in $(seq "$runs"); do
  timed snap ./traceguard profile --pid "$wl_pid" --duration 0
  timed jcmd jcmd "$wl_pid" GC.heap_info
  timed snapjar java -jar "$jar" profile --pid "$wl_pid" --duration 0
done
s=$(median < "$tmp/snap"); sj=$(median < "$tmp/snapjar"); j=$(median < "$tmp/jcmd")
cpu() { [ -s "$tmp/$1.cpu" ] && echo ", CPU median $(median < "$tmp/$1.cpu") ms"; }
echo "traceguard profile --duration 0:     median ${s} ms$(cpu snap)  (runs: $(tr '\n' ' ' < "$tmp/snap"))"
echo "java -jar traceguard.jar (same):     median ${sj} ms$(cpu snapjar)  (runs: $(tr '\n' ' ' < "$tmp/snapjar"))"
echo "jcmd GC.heap_info:                   median ${j} ms$(cpu jcmd)  (runs: $(tr '\n' ' ' < "$tmp/jcmd"))"
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
# CPU of the target's threads other than its request threads (JMX/RMI, JFR, JIT, GC, safepoints):
# what being profiled costs the target, counted rather than inferred from a noisy throughput.
other_ticks() {
  local t sum=0
  for t in /proc/"$wl_pid"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = inference-worke ] && continue
    sum=$(( sum + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "$t/stat" 2>/dev/null || echo 0) ))
  done
  echo "$sum"
}
hz=$(getconf CLK_TCK)
phase() {  # prints "requests/s requests-per-cpu-second other-threads-cpu-%-of-a-core"
  local a b ta tb oa ob
  a=$(lines); ta=$(ticks); oa=$(other_ticks); sleep 12; b=$(lines); tb=$(ticks); ob=$(other_ticks)
  awk -v r="$(ops_between "$a" "$b")" -v o="$(ops_sum "$a" "$b")" -v c="$(( tb - ta ))" -v hz="$hz" \
    -v x="$(( ob - oa ))" 'BEGIN {printf "%s %.0f %.1f", r, (c > 0 ? o / (c / hz) : 0), x * 100 / hz / 12}'
}
# Two sessions: the first one in the target's life includes its JIT compiling the JMX/RMI and JFR
# code (a one-time cost); the second shows the steady cost. Each against the baselines around it.
session() {  # profile for 20 s, measure 12 s of it after the first 6
  # shellcheck disable=SC2086
  "${pin_tool[@]}" ./traceguard profile --pid "$wl_pid" --duration 20s --interval 1s ${PROFILE_ARGS:-} > /dev/null &
  local prof=$!
  sleep 6  # attach and JFR start-up are not the steady state
  phase
  wait "$prof" || true
  sleep 2
}
read -r base1 cpu1 oth1 <<< "$(phase)"
read -r with1 cpuw1 othw1 <<< "$(session)"
read -r base2 cpu2 oth2 <<< "$(phase)"
read -r with2 cpuw2 othw2 <<< "$(session)"
read -r base3 cpu3 oth3 <<< "$(phase)"
echo "requests/s          without: $base1, 1st session: $with1, without: $base2, 2nd session: $with2, without: $base3"
echo "requests/CPU-second without: $cpu1, 1st session: $cpuw1, without: $cpu2, 2nd session: $cpuw2, without: $cpu3"
echo "target CPU outside its request threads, % of a core:"
echo "                    without: $oth1, 1st session: $othw1, without: $oth2, 2nd session: $othw2, without: $oth3"
drop() { awk -v a="$1" -v w="$2" -v c="$3" 'BEGIN {b=(a+c)/2; printf "%.1f%%", (b-w)*100/b}'; }
echo "throughput drop (against the mean of the baselines around it): 1st session $(drop "$base1" "$with1" "$base2"), 2nd session $(drop "$base2" "$with2" "$base3")"
echo "per-CPU-second drop (the target's own cost):                   1st session $(drop "$cpu1" "$cpuw1" "$cpu2"), 2nd session $(drop "$cpu2" "$cpuw2" "$cpu3")"
echo "load after part 2: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 3. traceguard --version wall time ($runs runs)"
: > "$tmp/v"; : > "$tmp/vjar"
for _ in $(seq "$runs"); do
  t=$(now_ms); ./traceguard --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/v"
  t=$(now_ms); java -jar "$jar" --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/vjar"
done
echo "--version: median $(median < "$tmp/v") ms with the launcher, $(median < "$tmp/vjar") ms as bare java -jar"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
