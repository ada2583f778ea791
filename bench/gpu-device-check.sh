#!/usr/bin/env bash
# GPU device check for traceguard's CUDA features, in two steps:
#
#   bench/gpu-device-check.sh prepare   # here (JDK 17 + Maven): jar, jlink runtime, workload class
#   bench/gpu-device-check.sh run       # on the GPU machine (CUDA driver, no Java needed)
#   bench/gpu-device-check.sh tune      # there too: harvest CPU against the timing budget and period
#
# prepare writes everything the run needs to bench/out/gpu-device/ (kept under 60 MiB so it can be
# carried to a machine that has a GPU but no Java): a jlink runtime of just the modules the jar
# needs, the shaded jar (its SQLite natives trimmed to linux-x86_64), and the compiled workload.
# run prints and saves (to $OUT, or bench/out/gpu-device/results) the output of:
#   traceguard gpu info (table and JSON), traceguard gpu bench (table and JSON),
#   the JCuda workload timed in-process through the launch hooks and read back over the MBean,
#   and 'traceguard profile --pid PID --gpu' (table and JSON) against GpuApp, a plain JCuda
#   application started here with only JCuda on its class path (its launch calls are redirected
#   by the agent that profile loads).
# Exit status: non-zero when a step fails; each step's exit code is in results/summary.txt.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/bench/out/gpu-device"
modules="java.base,java.management,java.sql,jdk.unsupported,java.instrument,jdk.attach,jdk.management,java.management.rmi,jdk.management.agent,java.compiler,java.naming,java.net.http,jdk.management.jfr"
# Used by the jar but not by anything this check runs (jline's console opens a browser through
# java.awt.Desktop); left out to keep the runtime small enough to carry.
optional_modules="java.desktop"

prepare() {
  set -e
  (cd "$here" && mvn -q -B -DskipTests package)
  rm -rf "$dest"
  mkdir -p "$dest/classes"
  # Check that the module list covers what the jar uses.
  need="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$here/cli/target/traceguard.jar")"
  for m in ${need//,/ }; do
    case ",$modules,$optional_modules," in *",$m,"*) ;; *) echo "jar needs module $m: add it to modules" >&2; exit 1 ;; esac
  done
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$dest/runtime"
  # The JDK's libjvm.so keeps its symbol table (4 MiB); the carry limit needs it gone.
  if command -v strip >/dev/null; then
    find "$dest/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
  fi
  python3 - "$here/cli/target/traceguard.jar" "$dest/traceguard.jar" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        n = item.filename
        # sqlite-jdbc, netty (gRPC) and jline bundle natives for every platform; the device is
        # linux-x86_64.
        if n.startswith("org/sqlite/native/") and not n.startswith("org/sqlite/native/Linux/x86_64/") \
                and not n.endswith("/"):
            continue
        if n.startswith("org/jline/nativ/") and not n.endswith(".class") \
                and not n.startswith("org/jline/nativ/Linux/x86_64/") and not n.endswith("/"):
            continue
        if n.startswith("META-INF/native/") and not n.endswith("/") and "linux_x86_64" not in n \
                and not n.endswith("_x86_64.so"):
            continue
        # What only analyze, replay and shell use (gRPC, protobuf, SQLite, jline): the carry limit
        # counts the working tree too. prepare checks below that the commands the run uses work
        # without them.
        if n.startswith(("io/grpc/", "com/google/", "META-INF/native/", "io/opentelemetry/proto/",
                         "opentelemetry/proto/", "google/", "org/sqlite/", "org/jline/")):
            continue
        zout.writestr(item, zin.read(n))
PY
  javac -d "$dest/classes" -cp "$dest/traceguard.jar" "$here/bench/GpuWorkload.java"
  javac -d "$dest/app-classes" -cp "$dest/traceguard.jar" "$here/bench/GpuApp.java"
  # GpuApp's class path: JCuda alone (classes and natives, taken from the shaded jar).
  python3 - "$dest/traceguard.jar" "$dest/jcuda.jar" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        n = item.filename
        if n.startswith("jcuda/") or n.startswith("lib/libJCuda"):
            zout.writestr(item, zin.read(n))
PY
  "$dest/runtime/bin/java" -jar "$dest/traceguard.jar" --version
  # The trimmed jar must still run what the device run uses: gpu info/bench (no driver here, so
  # their "no CUDA driver" path) and profile --gpu against a live JVM, table and JSON dump.
  local check="$dest/check"
  mkdir -p "$check"
  printf 'public class Idle { public static void main(String[] a) throws Exception { System.out.println("READY"); Thread.sleep(60000); } }\n' > "$check/Idle.java"
  javac -d "$check" "$check/Idle.java"
  "$dest/runtime/bin/java" -cp "$check" Idle > "$check/idle.out" &
  local idle=$!
  until grep -q READY "$check/idle.out" 2>/dev/null; do sleep 0.1; done
  local rc=0
  for args in "gpu info" "gpu bench" "profile --pid $idle --gpu --duration 2s --interval 1s" \
      "profile --pid $idle --gpu --duration 2s --interval 1s --format json --out $check/p.jsonl"; do
    set +e
    "$dest/runtime/bin/java" -jar "$dest/traceguard.jar" $args > "$check/out.txt" 2>&1
    rc=$?
    set -e
    if grep -q -e NoClassDefFoundError -e ClassNotFoundException "$check/out.txt"; then
      cat "$check/out.txt" >&2
      echo "trimmed jar misses classes for: $args" >&2
      kill "$idle"
      exit 1
    fi
    echo "trimmed jar: '$args' exit $rc"
  done
  kill "$idle"; wait "$idle" 2>/dev/null || true
  rm -rf "$check"
  size=$(du -sm "$dest" | cut -f1)
  echo "prepared $dest: ${size} MiB (runtime $(du -sm "$dest/runtime" | cut -f1) MiB, jar $(du -sm "$dest/traceguard.jar" | cut -f1) MiB)"
  # What travels to the device is this plus the tracked files; together under 64 MiB.
  local tree
  tree=$( (cd "$here" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) )
  local total=$(( $(du -sb "$dest" | cut -f1) + tree ))
  echo "with the tracked files: $((total / 1048576)) MiB of the 64 MiB that can travel"
  if [ "$total" -ge $((62 * 1048576)) ]; then
    echo "too big to carry (limit 64 MiB)" >&2
    exit 1
  fi
}

run() {
  # Each step's output goes to its own file under $work, packed into results.tgz at the end (the
  # device returns at most 8 files).
  out="$(mktemp -d)"
  final="${OUT:-$dest/results}"
  mkdir -p "$final"
  java="$dest/runtime/bin/java"
  tg=("$java" -jar "$dest/traceguard.jar")
  : > "$out/summary.txt"
  status=0
  step() {
    local name="$1"; shift
    echo "== $name: $*"
    local t0=$SECONDS
    "$@" > "$out/$name.out" 2> "$out/$name.err"
    local rc=$?
    cat "$out/$name.out" "$out/$name.err"
    echo "$name exit=$rc seconds=$((SECONDS - t0))" | tee -a "$out/summary.txt"
    [ $rc -eq 0 ] || status=1
  }
  nvidia-smi -L > "$out/nvidia-smi.txt" 2>&1 || true
  command -v ptxas >/dev/null && ptxas -arch=sm_80 -o /dev/null \
    "$here/gpu/src/main/resources/dev/traceguard/gpu/bench/kernels.ptx" && echo "ptxas: kernels.ptx compiles"
  step gpu-info "${tg[@]}" gpu info
  step gpu-info-json "${tg[@]}" gpu info --format json
  step gpu-bench "${tg[@]}" gpu bench
  step gpu-bench-json "${tg[@]}" gpu bench --format json --streams 4 --launches 20000 --kernel-time 20us
  step gpu-bench-short "${tg[@]}" gpu bench --streams 2 --launches 20000 --kernel-time 2us
  # In-process at 10 000 launches/s: every launch timed, then the agent's default budget.
  step workload-all "$java" -cp "$dest/traceguard.jar:$dest/classes" GpuWorkload 20000 10000 20 0
  step workload-sampled "$java" -cp "$dest/traceguard.jar:$dest/classes" GpuWorkload 20000 10000 20 2000
  profile_app table --duration 4s --interval 1s
  profile_app json --duration 4s --interval 1s --format json --out "$out/profile-gpu.jsonl"
  profile_app json-all --duration 4s --interval 1s --format json --gpu-max-timed 0
  tar czf "$final/results.tgz" -C "$out" .
  cp "$out/summary.txt" "$final/summary.txt"
  echo "results in $final"
  return $status
}

# Starts GpuApp (20 us kernels at 10 000 launches/s on two streams for 12 s), waits for READY, runs
# 'traceguard profile --pid PID --gpu' with the given options as step profile-gpu-NAME, then waits
# for the app. Without a CUDA driver the app exits at once and the step reports that.
profile_app() {
  local name="$1"; shift
  local ptx="$here/gpu/src/main/resources/dev/traceguard/gpu/bench/kernels.ptx"
  "$java" -cp "$dest/jcuda.jar:$dest/app-classes" GpuApp "$ptx" 12 10000 20 > "$out/app-$name.out" 2>&1 &
  local app=$!
  local waited=0
  until grep -q '^READY' "$out/app-$name.out" 2>/dev/null; do
    if ! kill -0 "$app" 2>/dev/null || [ $waited -ge 300 ]; then
      echo "== profile-gpu-$name: GpuApp did not start:"
      cat "$out/app-$name.out"
      echo "profile-gpu-$name exit=app-failed seconds=0" | tee -a "$out/summary.txt"
      kill "$app" 2>/dev/null
      wait "$app" 2>/dev/null
      status=1
      return
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  step "profile-gpu-$name" "${tg[@]}" profile --pid "$app" --gpu "$@"
  wait "$app"
  local app_rc=$?
  echo "== GpuApp ($name) exit=$app_rc:"
  [ $app_rc -eq 0 ] || status=1
  cat "$out/app-$name.out"
  # The kernel figures the agent measured (expected p50 a little over the 20 us asked for).
  if [ "$name" != table ]; then
    python3 - "$out/profile-gpu-$name.out" <<'PY' || true
import json, sys
g = json.load(open(sys.argv[1])).get("gpu", {})
d = json.load(open(sys.argv[1]))
print("agent: state %s; %s" % (g.get("state"), g.get("status")))
w = d.get("window", {}).get("seconds") or 0
if w:
    print("harvest thread CPU %.3f%% of one core over the %.1f s window" % (100.0 * g.get("harvestCpuNs", 0) / 1e9 / w, w))
print("unsampled %s, timed share now %s" % (g.get("unsampledLaunches"), g.get("timedShare")))
for k in g.get("kernels", []):
    print("kernel %-12s count %8d  timed %8d  total %12d ns  p50 %8d ns  p99 %8d ns" % (k["kernel"], k["count"], k.get("timed", 0), k.get("totalNs", 0), k.get("p50Ns", 0), k.get("p99Ns", 0)))
for s in g.get("streams", []):
    print("stream %-40s launches %8d  utilisation %s" % (s["stream"], s["launches"], s.get("utilisation")))
print("timed %s, untimed %s, timing overhead %s ns per launch, harvest CPU %s ns, removed %s" % (g.get("timedLaunches"), g.get("untimedLaunches"), g.get("timingOverheadNsPerLaunch"), g.get("harvestCpuNs"), g.get("agentRemoved")))
PY
  fi
}

# The harvest thread's CPU at 10 000 launches/s against the budget of timed launches per second
# and the pause between harvest rounds: what the agent's defaults are chosen from.
tune() {
  local java="$dest/runtime/bin/java"
  for budget in 0 500 1000 2000; do
    for period in 20; do
      echo "== budget $budget timed/s, period $period ms"
      "$java" -cp "$dest/traceguard.jar:$dest/classes" GpuWorkload 20000 10000 20 "$budget" "$period" \
        | grep -e '^kernel' -e '^timed' -e '^timing' -e '^harvest'
    done
  done
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  tune) tune ;;
  *) echo "usage: $0 prepare|run|tune" >&2; exit 2 ;;
esac
