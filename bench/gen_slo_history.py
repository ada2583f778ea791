#!/usr/bin/env python3
"""Writes an OpenMetrics history for bench/slo-bench.sh: SERIES series, DAYS days at INTERVAL seconds.

Usage: gen_slo_history.py OUT SERIES DAYS INTERVAL

The shape `promtool tsdb dump-openmetrics` writes and `promtool tsdb create-blocks-from openmetrics`
reads: one series after another, timestamps in seconds, `# EOF`. Each model has 11 series: a latency
histogram (le 0.1 0.25 0.5 1 2.5 5 +Inf, _sum, _count) and inference_requests_total{code="200"|"500"}.
Traffic follows the hour of day; values are cumulative and consistent, so buckets stay cumulative.
"""
import math
import sys

LES = ["0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
SHARE = [0.05, 0.3, 0.7, 0.9, 0.98, 0.995, 1.0]


def main():
    out, series, days, interval = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    start = 1793491200  # 2026-11-01T00:00:00Z
    steps = int(days * 86400 / interval)
    models = max(1, series // 11)
    ts = ["%d.000\n" % (start + i * interval) for i in range(steps)]
    # Requests per interval, shared shape, scaled per model.
    season = [1 + 0.5 * math.sin(2 * math.pi * (((start + i * interval) % 86400) / 3600.0 - 8) / 24) for i in range(steps)]
    with open(out, "w", buffering=1 << 20) as f:
        for m in range(models):
            model = "model-%04d" % m
            rate = 1 + (m % 7)
            per = [int(rate * interval * s) for s in season]
            cum = []
            c = 0
            for p in per:
                c += p
                cum.append(c)
            base = 'job="inference",model="%s"' % model
            for le, share in zip(LES, SHARE):
                prefix = 'inference_request_duration_seconds_bucket{%s,le="%s"} ' % (base, le)
                f.write("".join([prefix + str(int(v * share)) + " " + t for v, t in zip(cum, ts)]))
            prefix = "inference_request_duration_seconds_sum{%s} " % base
            f.write("".join([prefix + str(round(v * 0.35, 3)) + " " + t for v, t in zip(cum, ts)]))
            prefix = "inference_request_duration_seconds_count{%s} " % base
            f.write("".join([prefix + str(v) + " " + t for v, t in zip(cum, ts)]))
            prefix = 'inference_requests_total{code="200",%s} ' % base
            f.write("".join([prefix + str(v - v // 500) + " " + t for v, t in zip(cum, ts)]))
            prefix = 'inference_requests_total{code="500",%s} ' % base
            f.write("".join([prefix + str(v // 500) + " " + t for v, t in zip(cum, ts)]))
        f.write("# EOF\n")
    print("%d series x %d points = %d samples" % (models * 11, steps, models * 11 * steps), file=sys.stderr)


if __name__ == "__main__":
    main()
