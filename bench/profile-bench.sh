#!/usr/bin/env bash
# Speed and overhead of `traceguard profile`, against the InferenceWorkload test program:
#  1. one snapshot (`profile --pid P --duration 0`) vs `jcmd P GC.heap_info`, same target, same run;
#  2. the target's CPU per request with `profile` attached at a 1 s interval, against an identical
#     unprofiled target beside it on the same CPU;
#  3. `traceguard --version` wall time, through the launcher and as a bare java -jar.
# Usage: [PARTS=123] [PROFILE_ARGS='--no-jfr'] [ROUNDS=3] [MEASURE_S=10] bench/profile-bench.sh [runs]   (PARTS: which
# parts to run; PROFILE_ARGS: added to the profile sessions of part 2, ROUNDS: its rounds, MEASURE_S: seconds per
# window; builds nothing: run `mvn -q -B -pl cli -am package -DskipTests` and
# `mvn -q -B -pl commands -am test-compile` first). Prints medians in milliseconds. The tool runs as
# users run it, through the ./traceguard launcher (AppCDS archive, quick-start flags), and for
# comparison as a bare `java -jar`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
parts="${PARTS:-123}"
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

if [[ $parts == *1* ]]; then
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

fi

if [[ $parts == *2* ]]; then
echo "== 2. the target's cost of being profiled at a 1 s interval (two identical targets side by side)"
# On a shared VM the speed of a core moves by 10% and more from one 10 s window to the next (other
# tenants, frequency), far more than the 2% to be measured; a no-profiler phase before and after a
# profiled one cannot tell. So two identical targets run at once, pinned to the same CPU, where
# whatever slows that core slows both alike, and only one of them is profiled (from the other CPUs,
# as on a server with spare cores). The figure is each target's CPU time per request (all its
# threads: request, JMX/RMI, JFR, GC, JIT), profiled against unprofiled in the same window, with
# the ratio of the two when neither is profiled taken out; the roles swap every round.
# Throughput follows from it: a target limited by CPU does 1/(1+cost) of its requests.
[ ${#pin_tool[@]} -gt 0 ] && taskset -p -c "1-$(( $(nproc) - 1 ))" $$ > /dev/null
"${pin_target[@]}" java -Xmx256m -cp "$cp" dev.traceguard.commands.profile.InferenceWorkload --threads "$threads" --report > "$tmp/twin.out" 2>&1 &
twin_pid=$!
for _ in $(seq 100); do grep -q READY "$tmp/twin.out" && break; sleep 0.1; done
sleep 15  # both targets' own code compiled
cleanup() { [ -n "$wl_pid" ] && kill "$wl_pid" 2>/dev/null; [ -n "${twin_pid:-}" ] && kill "$twin_pid" 2>/dev/null; rm -rf "$tmp"; }
hz=$(getconf CLK_TCK)
measure_s="${MEASURE_S:-10}"
rounds="${ROUNDS:-3}"
ops_count() { grep -c '^OPS' "$1"; }
ops_range() { awk -v a="$2" -v b="$3" '/^OPS/ {n++; if (n>a && n<=b) s+=$2} END {printf "%.0f", s}' "$1"; }
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
window() {  # window [PROFILED_PID]: prints "cpu-ms-per-1000-requests of target 1, of target 2, traceguard's CPU %"
  local prof="" p pa pb la lb ta tb na nb ua ub
  if [ -n "${1:-}" ]; then
    # shellcheck disable=SC2086
    "${pin_tool[@]}" ./traceguard profile --pid "$1" --duration "$(( measure_s + 8 ))s" --interval 1s ${PROFILE_ARGS:-} > /dev/null &
    prof=$!
    sleep 6  # attach, JFR start-up and the first JIT work are not the steady state
  fi
  la=$(ops_count "$tmp/wl.out"); lb=$(ops_count "$tmp/twin.out"); ta=$(cpu_ticks "$wl_pid"); tb=$(cpu_ticks "$twin_pid")
  [ -n "$prof" ] && pa=$(cpu_ticks "$prof")
  sleep "$measure_s"
  na=$(ops_count "$tmp/wl.out"); nb=$(ops_count "$tmp/twin.out"); ua=$(cpu_ticks "$wl_pid"); ub=$(cpu_ticks "$twin_pid")
  [ -n "$prof" ] && pb=$(cpu_ticks "$prof")
  awk -v ca="$(( ua - ta ))" -v cb="$(( ub - tb ))" -v ra="$(ops_range "$tmp/wl.out" "$la" "$na")" \
    -v rb="$(ops_range "$tmp/twin.out" "$lb" "$nb")" -v hz="$hz" -v t="$(( ${pb:-0} - ${pa:-0} ))" -v s="$measure_s" \
    'BEGIN {printf "%.4f %.4f %.1f %.0f %.0f", ca * 1000 / hz / ra * 1000, cb * 1000 / hz / rb * 1000, t * 100 / hz / s, ra / s, rb / s}'
  if [ -n "$prof" ]; then wait "$prof" || true; fi
  sleep 1
}
# First sessions: each target's JIT compiles its JMX/RMI and JFR code once; shown, not counted.
read -r a0 b0 _ <<< "$(window)"
read -r a1 b1 tg1 _ <<< "$(window "$wl_pid")"
read -r a2 b2 tg2 _ <<< "$(window "$twin_pid")"
awk -v a0="$a0" -v b0="$b0" -v a1="$a1" -v b1="$b1" -v a2="$a2" -v b2="$b2" 'BEGIN {
  r0 = a0 / b0; printf "first sessions: CPU per request %+.1f%% (target 1), %+.1f%% (target 2)\n", (a1 / b1 / r0 - 1) * 100, (b2 / a2 * r0 - 1) * 100 }'
: > "$tmp/costs"; : > "$tmp/steady"
read -r pa pb _ <<< "$(window)"
for r in $(seq "$rounds"); do
  for who in 1 2; do
    target=$wl_pid; [ "$who" = 2 ] && target=$twin_pid
    read -r wa wb tg ra rb <<< "$(window "$target")"
    read -r na nb _ <<< "$(window)"
    cost=$(awk -v pa="$pa" -v pb="$pb" -v wa="$wa" -v wb="$wb" -v na="$na" -v nb="$nb" -v who="$who" 'BEGIN {
      r0 = (pa / pb + na / nb) / 2; r = wa / wb; printf "%+.2f", (who == 1 ? r / r0 - 1 : r0 / r - 1) * 100 }')
    echo "round $r, target $who profiled: CPU per 1000 requests $wa vs $wb ms (unprofiled around: $pa/$pb, $na/$nb),"\
      "cost $cost%; requests/s $ra and $rb; traceguard used $tg% of a CPU"
    echo "$cost" >> "$tmp/costs"
    # A window is steady when the unprofiled ratio before and after it agree within 2%: otherwise
    # one of the targets changed on its own meanwhile (JIT, a full GC) and the window says little.
    awk -v pa="$pa" -v pb="$pb" -v na="$na" -v nb="$nb" 'BEGIN {d = (pa / pb) / (na / nb); exit !(d > 0.98 && d < 1.02)}' \
      && echo "$cost" >> "$tmp/steady"
    pa=$na; pb=$nb
  done
done
summary() {  # summary WHAT < costs
  sort -n | awk -v what="$1" '{a[NR]=$1; s+=$1} END {if (NR == 0) {printf "%s: none\n", what; exit}
    m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2);
    printf "%s (%d windows): median %+.2f%%, mean %+.2f%%, range %+.2f..%+.2f%%; throughput drop of a target limited by CPU %.2f%%\n",
      what, NR, m, s/NR, a[1], a[NR], (1 - 1 / (1 + m / 100)) * 100 }'
}
summary "the target's cost of being profiled, CPU per request, all windows" < "$tmp/costs"
summary "                                      steady windows only" < "$tmp/steady"
kill "$twin_pid" 2>/dev/null; twin_pid=""
echo "load after part 2: $(cut -d' ' -f1-3 /proc/loadavg)"

fi

if [[ $parts == *3* ]]; then
echo "== 3. traceguard --version wall time ($runs runs)"
: > "$tmp/v"; : > "$tmp/vjar"
for _ in $(seq "$runs"); do
  t=$(now_ms); ./traceguard --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/v"
  t=$(now_ms); java -jar "$jar" --version > /dev/null; echo $(( $(now_ms) - t )) >> "$tmp/vjar"
done
echo "--version: median $(median < "$tmp/v") ms with the launcher, $(median < "$tmp/vjar") ms as bare java -jar"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
