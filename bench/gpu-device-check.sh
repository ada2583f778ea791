#!/usr/bin/env bash
# GPU device check for traceguard's CUDA features, in two steps:
#
#   bench/gpu-device-check.sh prepare   # here (JDK 17 + Maven): jar, jlink runtime, workload class
#   bench/gpu-device-check.sh run       # on the GPU machine (CUDA driver, no Java needed)
#
# prepare writes everything the run needs to bench/out/gpu-device/ (kept under 60 MiB so it can be
# carried to a machine that has a GPU but no Java): a jlink runtime of just the modules the jar
# needs, the shaded jar (its SQLite natives trimmed to linux-x86_64), and the compiled workload.
# run prints and saves (to $OUT, or bench/out/gpu-device/results) the output of:
#   traceguard gpu info (table and JSON), traceguard gpu bench (table and JSON),
#   the JCuda workload timed in-process through the launch hooks and read back over the MBean.
# Exit status: non-zero when a step fails; each step's exit code is in results/summary.txt.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/bench/out/gpu-device"
modules="java.base,java.management,java.sql,jdk.unsupported,java.instrument,jdk.attach,jdk.management,java.management.rmi,jdk.management.agent"

prepare() {
  set -e
  (cd "$here" && mvn -q -B -DskipTests package)
  rm -rf "$dest"
  mkdir -p "$dest/classes"
  # Check that the module list covers what the jar uses.
  need="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$here/cli/target/traceguard.jar")"
  for m in ${need//,/ }; do
    case ",$modules," in *",$m,"*) ;; *) echo "jar needs module $m: add it to modules" >&2; exit 1 ;; esac
  done
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$dest/runtime"
  python3 - "$here/cli/target/traceguard.jar" "$dest/traceguard.jar" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        n = item.filename
        # sqlite-jdbc bundles natives for every platform; the device is linux-x86_64.
        if n.startswith("org/sqlite/native/") and not n.startswith("org/sqlite/native/Linux/x86_64/") \
                and not n.endswith("/"):
            continue
        zout.writestr(item, zin.read(n))
PY
  javac -d "$dest/classes" -cp "$dest/traceguard.jar" "$here/bench/GpuWorkload.java"
  "$dest/runtime/bin/java" -jar "$dest/traceguard.jar" --version
  size=$(du -sm "$dest" | cut -f1)
  echo "prepared $dest: ${size} MiB (runtime $(du -sm "$dest/runtime" | cut -f1) MiB, jar $(du -sm "$dest/traceguard.jar" | cut -f1) MiB)"
  if [ "$size" -ge 60 ]; then
    echo "too big to carry (limit 64 MiB)" >&2
    exit 1
  fi
}

run() {
  out="${OUT:-$dest/results}"
  mkdir -p "$out"
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
  step workload "$java" -cp "$dest/traceguard.jar:$dest/classes" GpuWorkload 20000 10000 20
  # TODO: once traceguard profile lands, also: start the workload, then
  #   "${tg[@]}" profile --pid <workload pid> --gpu
  # to read the same MBean over an attached JMX connection.
  echo "results in $out"
  return $status
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run" >&2; exit 2 ;;
esac
