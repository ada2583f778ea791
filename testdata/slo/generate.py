#!/usr/bin/env python3
"""Writes the slo testdata: an OpenMetrics history of an inference service and small broken inputs.

Deterministic (fixed seed). Run from anywhere: python3 testdata/slo/generate.py

history.om.gz: 2 days + 1 hour at a 60 s scrape interval, starting 2026-11-01T00:00:00Z, in the shape
`promtool tsdb dump-openmetrics` writes and `promtool tsdb create-blocks-from openmetrics` reads
(one series after another, timestamps in seconds, no TYPE lines, `# EOF`):
  - inference_request_duration_seconds_{bucket,sum,count}{job="inference",model=...}: a classic
    histogram with le 0.1 0.25 0.5 1 2.5 5 +Inf. Traffic and latency follow the hour of day
    (busiest at 14:00 UTC). llama-3-8b: ~4 req/s, median ~0.3 s; mistral-7b: ~2 req/s, median ~0.6 s,
    with a 20-minute slowdown (5x) on day 2 at 03:00 that baselines must trim as an outlier;
    tiny-model: ~3 requests an hour (low traffic).
  - inference_requests_total{code="200"|"500",job="inference",model=...}: ~0.2% errors
    (tiny-model: none).
Broken inputs (2 hours each, same labels, model="llama-3-8b"):
  - non-cumulative.om: bucket counts per bucket, not cumulative.
  - no-inf.om: the histogram lacks le="+Inf".
  - nan-counter.om: NaN values in a counter.
  - gaps.om: 1 day + 2 hours with the middle 20 hours missing.
"""
import gzip
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
START = 1793491200  # 2026-11-01T00:00:00Z
STEP = 60
LES = ["0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
BOUNDS = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, math.inf]
MODELS = {
    # name: (mean requests/s, median latency s, error share)
    "llama-3-8b": (4.0, 0.3, 0.002),
    "mistral-7b": (2.0, 0.6, 0.002),
    "tiny-model": (3.0 / 3600, 0.3, 0.0),
}


def poisson(rng, lam):
    if lam < 30:
        l, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= l:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def fmt(v):
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def labels(d):
    return "{" + ",".join('%s="%s"' % (k, d[k]) for k in sorted(d)) + "}"


def history(rng, steps, models=MODELS, slowdown=True, gap=None):
    """Returns {series text: [(ts, value)]} of cumulative counters."""
    out = {}
    for model, (rps, median, err) in models.items():
        base = {"job": "inference", "model": model}
        buckets = [0] * len(LES)
        total_sum = 0.0
        count = 0
        ok = 0
        bad = 0
        keys_b = ["inference_request_duration_seconds_bucket" + labels(dict(base, le=le)) for le in LES]
        key_s = "inference_request_duration_seconds_sum" + labels(base)
        key_c = "inference_request_duration_seconds_count" + labels(base)
        key_ok = "inference_requests_total" + labels(dict(base, code="200"))
        key_bad = "inference_requests_total" + labels(dict(base, code="500"))
        for k in keys_b + [key_s, key_c, key_ok, key_bad]:
            out[k] = []
        for i in range(steps):
            ts = START + i * STEP
            hour = (ts % 86400) / 3600.0
            season = 1 + 0.5 * math.sin(2 * math.pi * (hour - 8) / 24)
            n = poisson(rng, rps * season * STEP)
            med = median * (0.8 + 0.4 * season / 1.5)
            if slowdown and model == "mistral-7b" and 86400 + 3 * 3600 <= ts - START < 86400 + 3 * 3600 + 1200:
                med *= 5
            for _ in range(n):
                x = rng.lognormvariate(math.log(med), 0.5)
                total_sum += x
                for j, b in enumerate(BOUNDS):
                    if x <= b:
                        buckets[j] += 1
                count += 1
                if rng.random() < err:
                    bad += 1
                else:
                    ok += 1
            if gap and gap[0] <= ts - START < gap[1]:
                continue
            for j, k in enumerate(keys_b):
                out[k].append((ts, buckets[j]))
            out[key_s].append((ts, round(total_sum, 6)))
            out[key_c].append((ts, count))
            out[key_ok].append((ts, ok))
            out[key_bad].append((ts, bad))
    return out


def write(path, series, transform=None, compress=False):
    lines = []
    for key in sorted(series):
        for ts, v in series[key]:
            if transform:
                key2, v = transform(key, ts, v)
                if key2 is None:
                    continue
            else:
                key2 = key
            lines.append("%s %s %d.000\n" % (key2, fmt(v) if not isinstance(v, str) else v, ts))
    lines.append("# EOF\n")
    data = "".join(lines).encode()
    if compress:
        with open(path, "wb") as f:
            # mtime 0: the same bytes on every run.
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                g.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def main():
    rng = random.Random(20261101)
    write(os.path.join(HERE, "history.om.gz"), history(rng, 49 * 60), compress=True)

    small = {"llama-3-8b": MODELS["llama-3-8b"]}
    s = history(random.Random(7), 120, small, slowdown=False)

    # Non-cumulative: each bucket holds only its own range (what a hand-rolled exporter gets wrong).
    by_ts = {}
    for k, pts in s.items():
        for ts, v in pts:
            by_ts[(k, ts)] = v

    def noncumulative(key, ts, v):
        if "_bucket" in key and 'le="0.1"' not in key:
            i = [le for le in LES if 'le="%s"' % le in key][0]
            prev = LES[LES.index(i) - 1]
            return key, v - by_ts[(key.replace('le="%s"' % i, 'le="%s"' % prev), ts)]
        return key, v

    write(os.path.join(HERE, "non-cumulative.om"), s, noncumulative)
    write(os.path.join(HERE, "no-inf.om"), s, lambda k, ts, v: (None, v) if 'le="+Inf"' in k else (k, v))
    write(os.path.join(HERE, "nan-counter.om"), s,
          lambda k, ts, v: (k, "NaN") if "requests_total" in k and 'code="200"' in k and (ts // 60) % 17 == 0 else (k, v))
    g = history(random.Random(9), 26 * 60, small, slowdown=False, gap=(3 * 3600, 23 * 3600))
    write(os.path.join(HERE, "gaps.om"), g)


if __name__ == "__main__":
    main()
