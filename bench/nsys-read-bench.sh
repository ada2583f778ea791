#!/usr/bin/env bash
# Reading speed and memory of the Nsight Systems SQLite reader plus the gpu analyzer:
# writes an export with N kernels (default 1 000 000; each with a launch API call, plus a copy and
# an NVTX range per 100 kernels) and times `traceguard analyze` on it.
#   bench/nsys-read-bench.sh [N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-1000000}"
out="$here/bench/out"
mkdir -p "$out"
db="$out/nsys-$n.sqlite"
[ -f "$here/cli/target/traceguard.jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
[ -f "$db" ] || python3 "$here/testdata/gpu/generate_nsys.py" --big "$db" "$n"
echo "export: $db ($(du -m "$db" | cut -f1) MiB, $n kernels)"
for run in 1; do
  /usr/bin/time -f "run $run: %e s wall, %U s user CPU, %M KiB max RSS" \
    java ${JAVA_OPTS:-} -jar "$here/cli/target/traceguard.jar" analyze --fail-on never --analyzers gpu "$db" > "$out/nsys-$n.txt"
done
head -4 "$out/nsys-$n.txt"
