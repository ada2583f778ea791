#!/usr/bin/env bash
# Times `traceguard slo baseline` on a large OpenMetrics history against the time
# `promtool tsdb create-blocks-from openmetrics` takes to ingest the same file.
#
# The target case is 7 days at 15 s for 2000 series (about 80 million samples, ~7 GB of text):
# under 60 s and 1 GiB of heap on a 2-core machine. Generates bench/out/slo-SERIES-DAYSd-INTERVALs.om,
# runs traceguard with -Xmx1g (so a run that needs more fails), then promtool, and prints wall
# times, traceguard's peak RSS and the ratio. promtool comes with the Debian package `prometheus`.
#
#   bench/slo-bench.sh                          # 2000 series, 7 days, 15 s
#   SERIES=2000 DAYS=1 INTERVAL=15 bench/slo-bench.sh
#   PROMTOOL=0 SERIES=220 bench/slo-bench.sh    # 7 days, traceguard only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
series="${SERIES:-2000}"
days="${DAYS:-7}"
interval="${INTERVAL:-15}"
heap="${HEAP:-1g}"
for v in "$series" "$days" "$interval"; do
  case "$v" in
    '' | *[!0-9]*) echo "SERIES, DAYS and INTERVAL must be positive integers" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
file="$out/slo-$series-${days}d-${interval}s.om"
if [ ! -s "$file" ]; then
  echo "generating $file..." >&2
  t0=$(date +%s.%N)
  python3 "$here/gen_slo_history.py" "$file" "$series" "$days" "$interval"
  echo "generated in $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
fi
ls -l "$file" >&2

jar="$root/cli/target/traceguard.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package)

stem="$(basename "$file" .om)"
tg_log="$out/$stem-traceguard.txt"
/usr/bin/time -v java -Xmx"$heap" -jar "$jar" slo baseline --window "${days}d" --format json \
  -o "$out/$stem-report.json" "$file" 2> "$tg_log" || true
tg_wall=$(grep 'Elapsed (wall clock)' "$tg_log" | awk '{print $NF}')
tg_rss=$(grep 'Maximum resident set size' "$tg_log" | awk '{print $NF}')
tg_status=$(grep 'Exit status' "$tg_log" | awk '{print $NF}')
slos=$(grep -c '"kind"' "$out/$stem-report.json" || true)

secs() { echo "$1" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
tg_cpu=$(grep -E 'User time|System time' "$tg_log" | awk '{s += $NF} END {print s}')
echo "traceguard slo baseline: wall $tg_wall, CPU ${tg_cpu}s (exit $tg_status, -Xmx$heap), peak RSS $((tg_rss / 1024)) MiB, $slos SLOs"

if [ "${PROMTOOL:-1}" = 0 ]; then
  echo "PROMTOOL=0: promtool not timed"
elif command -v promtool >/dev/null 2>&1; then
  rm -rf "$out/$stem-tsdb"
  pt_log="$out/$stem-promtool.txt"
  /usr/bin/time -v promtool tsdb create-blocks-from openmetrics "$file" "$out/$stem-tsdb" > /dev/null 2> "$pt_log"
  pt_wall=$(grep 'Elapsed (wall clock)' "$pt_log" | awk '{print $NF}')
  pt_cpu=$(grep -E 'User time|System time' "$pt_log" | awk '{s += $NF} END {print s}')
  rm -rf "$out/$stem-tsdb"
  echo "promtool tsdb create-blocks-from openmetrics: wall $pt_wall, CPU ${pt_cpu}s"
  awk -v a="$(secs "$tg_wall")" -v b="$(secs "$pt_wall")" -v c="$tg_cpu" -v d="$pt_cpu" \
    'BEGIN { printf "ratio traceguard/promtool: wall %.2f, CPU %.2f\n", a / b, c / d }'
else
  echo "promtool not found (Debian package prometheus): no ratio"
fi
