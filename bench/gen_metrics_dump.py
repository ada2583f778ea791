#!/usr/bin/env python3
"""Writes a large OpenMetrics dump with timestamps (promtool tsdb dump-openmetrics shape) for
bench/metrics-bench.sh: counters, gauges and histograms of an inference fleet, with a few resets,
one overflowing histogram and one request_id label of unbounded values.

    python3 bench/gen_metrics_dump.py OUT --series 5000 --points 240
"""

import argparse
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--series", type=int, default=5000)
ap.add_argument("--points", type=int, default=240)
a = ap.parse_args()
rng = random.Random(42)
T0 = 1795168800
LES = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
models = ["llama-3-8b", "mistral-7b", "qwen2-7b", "phi-3-mini"]


def lab(d):
    return "{" + ",".join('%s="%s"' % kv for kv in sorted(d.items())) + "}"


with open(a.out, "w") as f:
    n = 0
    pod = 0
    while n < a.series:
        base = {"job": "inference", "instance": "inference-%d:8080" % pod, "model": models[pod % 4]}
        pod += 1
        # one counter, one gauge, one histogram (9 buckets + sum + count) per pod
        v = rng.randint(0, 1000)
        reset_at = a.points // 2 if pod % 50 == 0 else -1
        for i in range(a.points):
            v = (0 if i == reset_at else v) + rng.randint(0, 90)
            f.write("inference_requests_total%s %d %d.000\n" % (lab(base), v, T0 + 15 * i))
        for i in range(a.points):
            f.write("vllm:kv_cache_usage_perc%s %.4f %d.000\n" % (lab(base), rng.random(), T0 + 15 * i))
        counts = [0] * len(LES)
        total = 0.0
        rows = {le: [] for le in LES}
        sums, cnts = [], []
        for i in range(a.points):
            for _ in range(rng.randint(0, 40)):
                x = rng.lognormvariate(0.3 if pod % 97 else 2.8, 0.7)
                total += x
                for k, le in enumerate(LES):
                    if le == "+Inf" or x <= float(le):
                        counts[k] += 1
            for k, le in enumerate(LES):
                rows[le].append(counts[k])
            sums.append(total)
            cnts.append(counts[-1])
        for le in LES:
            d = dict(base, le=le)
            for i, c in enumerate(rows[le]):
                f.write("inference_latency_seconds_bucket%s %d %d.000\n" % (lab(d), c, T0 + 15 * i))
        for i in range(a.points):
            f.write("inference_latency_seconds_sum%s %.3f %d.000\n" % (lab(base), sums[i], T0 + 15 * i))
        for i in range(a.points):
            f.write("inference_latency_seconds_count%s %d %d.000\n" % (lab(base), cnts[i], T0 + 15 * i))
        # a request_id label: every request a series of its own
        d = dict(base, request_id="%032x" % rng.getrandbits(128))
        f.write("inference_request_tokens_total%s %d %d.000\n" % (lab(d), rng.randint(10, 900), T0))
        n += 14
    f.write("# EOF\n")
