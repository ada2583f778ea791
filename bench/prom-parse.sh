#!/usr/bin/env bash
# Times traceguard reading a large OpenMetrics exposition against promtool's own parser.
#
# Generates bench/out/prom-parse-SERIES.om (SERIES series, 200000 by default: counters, gauges and
# histograms as an inference server exposes them, valid OpenMetrics), then times
#   promtool check metrics < FILE
#   ./traceguard analyze --fail-on never --format json FILE
# taking the best of RUNS runs (3 by default) of each, and prints both wall times and their ratio.
# promtool comes with the Debian package `prometheus`; without it only traceguard is timed.
#
#   bench/prom-parse.sh                  # 200k series
#   SERIES=1000000 RUNS=1 bench/prom-parse.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
series="${SERIES:-200000}"
runs="${RUNS:-3}"
file="$out/prom-parse-$series.om"

case "$series" in
  '' | *[!0-9]*) echo "SERIES must be a positive integer, got '$series'" >&2; exit 2 ;;
esac
case "$runs" in
  '' | *[!0-9]* | 0) echo "RUNS must be a positive integer, got '$runs'" >&2; exit 2 ;;
esac

mkdir -p "$out"
if [ ! -s "$file" ]; then
  echo "generating $file ($series series)..." >&2
  # Families of 100 series each, in turn a counter, a gauge and a histogram (13 series per label
  # set: 11 buckets, _sum, _count). Values are consistent, so strict OpenMetrics holds too.
  awk -v n="$series" '
    BEGIN {
      split("0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5", le, " ")
      s = 0
      for (f = 0; s < n; f++) {
        kind = f % 3
        if (kind == 0) {
          name = sprintf("vllm:request_success_%d", f)
          printf "# HELP %s Count of successfully processed requests.\n# TYPE %s counter\n", name, name
          for (j = 0; j < 100 && s < n; j++) {
            printf "%s_total{model_name=\"model-%d\",pod=\"vllm-%d\",finished_reason=\"stop\"} %d\n", name, j % 8, j, j * 37 + f
            s++
          }
        } else if (kind == 1) {
          name = sprintf("vllm:gpu_cache_usage_perc_%d", f)
          printf "# HELP %s GPU KV-cache usage.\n# TYPE %s gauge\n", name, name
          for (j = 0; j < 100 && s < n; j++) {
            printf "%s{model_name=\"model-%d\",pod=\"vllm-%d\"} %.6f\n", name, j % 8, j, (j % 97) / 97
            s++
          }
        } else {
          name = sprintf("vllm:e2e_request_latency_%d_seconds", f)
          printf "# HELP %s End-to-end request latency.\n# TYPE %s histogram\n# UNIT %s seconds\n", name, name, name
          for (j = 0; j < 8 && s < n; j++) {
            c = 0
            for (b = 1; b <= 10; b++) {
              c += (j + b) % 5
              printf "%s_bucket{model_name=\"model-%d\",pod=\"vllm-%d\",le=\"%s\"} %d\n", name, j, j, le[b], c
            }
            c += 3
            printf "%s_bucket{model_name=\"model-%d\",pod=\"vllm-%d\",le=\"+Inf\"} %d\n", name, j, j, c
            printf "%s_sum{model_name=\"model-%d\",pod=\"vllm-%d\"} %.3f\n", name, j, j, c * 0.42
            printf "%s_count{model_name=\"model-%d\",pod=\"vllm-%d\"} %d\n", name, j, j, c
            s += 13
          }
        }
      }
      print "# EOF"
    }' > "$file.tmp"
  mv "$file.tmp" "$file"
fi
echo "input: $file ($(wc -l < "$file") lines, $(du -h "$file" | cut -f1))"

# Best wall time of RUNS runs of a command, in seconds, into best_s, and its last exit status into
# last_rc; output is discarded (promtool check metrics exits 1 when its linter has remarks, which is
# not a failure here).
best() {
  local bestns="" start end ns rc i
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    set +e
    "$@" > /dev/null 2> "$out/last-stderr"
    rc=$?
    set -e
    end=$(date +%s%N)
    ns=$((end - start))
    if [ -z "$bestns" ] || [ "$ns" -lt "$bestns" ]; then
      bestns=$ns
    fi
  done
  last_rc=$rc
  best_s=$(awk -v ns="$bestns" 'BEGIN { printf "%.3f", ns / 1e9 }')
}

promtool_s=""
if command -v promtool > /dev/null 2>&1; then
  best sh -c 'promtool check metrics < "$1"' sh "$file"
  promtool_s=$best_s
  echo "promtool check metrics: ${promtool_s} s (exit status $last_rc, best of $runs)"
else
  echo "promtool not found (Debian: apt-get install prometheus); timing traceguard only"
fi

launcher="$root/traceguard"
if [ ! -x "$launcher" ]; then
  echo "no launcher at $launcher; build traceguard first" >&2
  exit 1
fi
# The launcher builds the jar on first use; do that before timing.
"$launcher" --version > /dev/null 2>&1 || true
best "$launcher" analyze --fail-on never --format json "$file"
traceguard_s=$best_s
echo "traceguard analyze:     ${traceguard_s} s (exit status $last_rc, best of $runs)"
if [ "$last_rc" -ne 0 ]; then
  echo "traceguard failed; its last error output:" >&2
  tail -n 20 "$out/last-stderr" >&2
  exit 1
fi

if [ -n "$promtool_s" ]; then
  awk -v t="$traceguard_s" -v p="$promtool_s" 'BEGIN {
    if (p > 0) printf "ratio traceguard/promtool: %.2f\n", t / p
  }'
fi
