#!/usr/bin/env bash
# Times the oom analyzer against reading alone on a metric history of many series.
#
# Generates bench/out/oom-bench-SERIES.om.txt: SERIES series (5000 by default) of POINTS samples
# each (240: an hour at 15 s), as promtool tsdb dump-openmetrics writes them. Pods of 5 series
# (working set, memory limit, restarts, process RSS, KV cache usage); every 50th pod is OOM-killed
# by KV-cache growth, every 50th (offset 25) leaks towards its limit, the rest are steady. Then
#   traceguard analyze --analyzers context FILE   (reading alone: context has no spans to check)
#   traceguard analyze --analyzers oom FILE       (reading plus the oom analyzer)
# best of RUNS runs (3) each, and prints both times, the ratio, and the oom findings. Then, in one
# JVM (bench/OomBench.java), the read time against the analyzer's first and best warm run, which
# JVM start-up and a busy machine disturb less.
#
#   bench/oom-bench.sh
#   SERIES=20000 POINTS=120 RUNS=1 bench/oom-bench.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
series="${SERIES:-5000}"
points="${POINTS:-240}"
runs="${RUNS:-3}"
file="$out/oom-bench-$series-$points.om.txt"

for v in "$series" "$points" "$runs"; do
  case "$v" in
    '' | *[!0-9]* | 0) echo "SERIES, POINTS and RUNS must be positive integers" >&2; exit 2 ;;
  esac
done

mkdir -p "$out"
if [ ! -s "$file" ]; then
  echo "generating $file ($series series x $points points)..." >&2
  python3 - "$file" "$series" "$points" <<'PY'
import random, sys
path, series, points = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
GIB = 1024 ** 3
t0 = 1795168800
rng = random.Random(7)
pods = max(1, series // 5)
with open(path + ".tmp", "w") as f:
    for p in range(pods):
        killed = p % 50 == 0
        leaking = p % 50 == 25
        kill = points * 4 // 5
        base = {"namespace": "bench", "pod": "model-%d" % p}
        lab = lambda **kw: ",".join('%s="%s"' % kv for kv in sorted(dict(base, **kw).items()))
        ws, rss, kv, restarts = [], [], [], []
        for i in range(points):
            u = min(1.0, 0.1 + (0.85 * i / kill if killed and i <= kill else 0.2 * rng.random()))
            w = 4 * GIB + u * 8 * GIB + rng.gauss(0, 0.02 * GIB)
            if leaking:
                w = 4 * GIB + i * (7.5 * GIB / points) + rng.gauss(0, 0.02 * GIB)
            if killed and i > kill:
                w, u = 2 * GIB, 0.0
            if killed and i == kill:
                w = 11.95 * GIB
            ws.append(w); rss.append(w * 0.97); kv.append(u)
            restarts.append(1 if killed and i > kill else 0)
        t = [t0 + 15 * i for i in range(points)]
        for name, labels, vals in (
                ("container_memory_working_set_bytes", lab(container="app"), ws),
                ("kube_pod_container_resource_limits", lab(container="app", resource="memory", unit="byte"), [12 * GIB] * points),
                ("kube_pod_container_status_restarts_total", lab(container="app"), restarts),
                ("process_resident_memory_bytes", lab(container="app", job="vllm"), rss),
                ("vllm:kv_cache_usage_perc", lab(container="app", job="vllm"), kv)):
            for ti, v in zip(t, vals):
                f.write("%s{%s} %r %d.000\n" % (name, labels, round(v, 4), ti))
        if killed:
            for ti in t[kill + 1:]:
                f.write('kube_pod_container_status_last_terminated_reason{%s} 1 %d.000\n' % (lab(container="app", reason="OOMKilled"), ti))
    f.write("# EOF\n")
import os
os.replace(path + ".tmp", path)
PY
fi
echo "input: $file ($(wc -l < "$file") lines, $(du -h "$file" | cut -f1))"

launcher="$root/traceguard"
"$launcher" --version > /dev/null 2>&1 || true

best() {
  local bestns="" start end ns i
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    set +e
    "$@" > "$out/oom-bench-last.json" 2> "$out/oom-bench-last.err"
    last_rc=$?
    set -e
    end=$(date +%s%N)
    ns=$((end - start))
    if [ -z "$bestns" ] || [ "$ns" -lt "$bestns" ]; then
      bestns=$ns
    fi
  done
  best_s=$(awk -v ns="$bestns" 'BEGIN { printf "%.3f", ns / 1e9 }')
}

best "$launcher" analyze --analyzers context --fail-on never --format json "$file"
read_s=$best_s
echo "read only (--analyzers context): ${read_s} s (exit status $last_rc, best of $runs)"
best "$launcher" analyze --analyzers oom --fail-on never --format json "$file"
oom_s=$best_s
echo "read + oom (--analyzers oom):    ${oom_s} s (exit status $last_rc, best of $runs)"
if [ "$last_rc" -ne 0 ] && [ "$last_rc" -ne 3 ]; then
  tail -n 20 "$out/oom-bench-last.err" >&2
  exit 1
fi
python3 - "$out/oom-bench-last.json" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter((f["rule"], f["evidence"].get("cause") or f["evidence"].get("likelyCause")) for f in d["findings"])
print("oom findings:", dict(c), "series read:", sum(i["metricSeries"] for i in d["inputs"]))
PY
awk -v a="$oom_s" -v b="$read_s" 'BEGIN { if (b > 0) printf "CLI: oom adds %.1f%% to reading (ratio %.3f)\n", (a / b - 1) * 100, a / b }'
java -cp "$root/cli/target/traceguard.jar" "$here/OomBench.java" "$file" 5
