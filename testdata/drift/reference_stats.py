#!/usr/bin/env python3
"""Computes the drift statistics with scipy and numpy on fixed data sets and writes them, with the
data, to reference-stats.txt beside this script. The Java tests compare every number to 1e-9.

    python3 testdata/drift/reference_stats.py [OUT]     # default: testdata/drift/reference-stats.txt

Needs numpy and scipy (Debian: python3-scipy). The definitions follow scipy and Evidently:
  ks           scipy.stats.ks_2samp(ref, cur), method 'auto', two-sided: statistic and p-value
  wasserstein  scipy.stats.wasserstein_distance(ref, cur); normed: divided by max(np.std(ref), 0.001)
  psi          bins cut at np.quantile(ref, [.1, ..., .9]) (duplicates merged), bin i = (e[i-1], e[i]];
               empty shares taken as 0.0001; sum((cur - ref) * ln(cur / ref))
  chi2         scipy.stats.chisquare(cur, ref / sum(ref) * sum(cur)) over categories not empty on both
               sides; a category empty in ref but not in cur gives inf and p = 0 (Evidently's form)
  chi2 adjusted  that statistic / (1 + n_cur / n_ref), p from scipy.stats.chi2.sf(x, k - 1): the
               reference's own sampling noise taken into account
  js           scipy.spatial.distance.jensenshannon(ref, cur) (natural log)
  bonferroni   Bonferroni adjusted p-values, min(1, p * m)
  mean/p50/p95 np.mean, np.quantile (linear)
"""

import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance


def psi_from_counts(r, c):
    r = np.asarray(r, dtype=float) / np.sum(r)
    c = np.asarray(c, dtype=float) / np.sum(c)
    r = np.where(r == 0, 0.0001, r)
    c = np.where(c == 0, 0.0001, c)
    return float(np.sum((c - r) * np.log(c / r)))


def psi_deciles(ref, cur):
    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10.0))
    rc = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
    return psi_from_counts(rc, cc)


def chi2(ref, cur):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    if np.any((ref == 0) & (cur > 0)):
        return float("inf"), 0.0
    keep = ref > 0
    if keep.sum() < 2:
        return 0.0, 1.0
    r, c = ref[keep], cur[keep]
    res = stats.chisquare(c, r / r.sum() * c.sum())
    return float(res.statistic), float(res.pvalue)


def chi2_two_sample(ref, cur):
    s, p = chi2(ref, cur)
    if np.isinf(s) or p == 1.0:
        return s, p
    k = int(np.sum(np.asarray(ref) > 0))
    x = s / (1 + float(np.sum(cur)) / float(np.sum(ref)))
    return x, float(stats.chi2.sf(x, k - 1))


def bonferroni(p):
    p = np.asarray(p, dtype=float)
    return np.minimum(1.0, p * len(p))


def numeric_case(name, ref, cur):
    ref = np.round(np.asarray(ref, dtype=float), 4)
    cur = np.round(np.asarray(cur, dtype=float), 4)
    ks = stats.ks_2samp(ref, cur)
    w = stats.wasserstein_distance(ref, cur)
    e = {
        "ks_statistic": ks.statistic, "ks_pvalue": ks.pvalue,
        "wasserstein": w, "wasserstein_normed": w / max(np.std(ref), 0.001),
        "psi": psi_deciles(ref, cur),
        "ref_mean": np.mean(ref), "ref_p50": np.quantile(ref, 0.5), "ref_p95": np.quantile(ref, 0.95),
        "cur_mean": np.mean(cur), "cur_p50": np.quantile(cur, 0.5), "cur_p95": np.quantile(cur, 0.95),
    }
    return name, "numeric", ref, cur, e


def counts_case(name, ref, cur):
    s, p = chi2(ref, cur)
    xs, xp = chi2_two_sample(ref, cur)
    e = {"chi2_statistic": s, "chi2_pvalue": p,
         "chi2_adjusted_statistic": xs, "chi2_adjusted_pvalue": xp,
         "js_distance": distance.jensenshannon(np.asarray(ref, float), np.asarray(cur, float)),
         "psi": psi_from_counts(ref, cur)}
    return name, "counts", np.asarray(ref), np.asarray(cur), e


def cases():
    out = []
    rng = np.random.default_rng(42)
    out.append(numeric_case("normal-shift", rng.normal(100, 15, 800), rng.normal(106, 15, 600)))
    rng = np.random.default_rng(7)
    out.append(numeric_case("small-uniform", rng.uniform(0, 1, 40), rng.uniform(0.1, 1.1, 35)))
    rng = np.random.default_rng(11)
    out.append(numeric_case("token-counts-ties", rng.poisson(200, 500), rng.poisson(210, 450)))
    rng = np.random.default_rng(13)
    out.append(numeric_case("confidence-beta", rng.beta(8, 2, 750), rng.beta(5, 4, 750)))
    rng = np.random.default_rng(17)
    out.append(numeric_case("same-distribution", rng.lognormal(5, 0.4, 300), rng.lognormal(5, 0.4, 280)))
    rng = np.random.default_rng(19)
    out.append(numeric_case("latency-large-asymptotic", rng.lognormal(6, 0.5, 10500), rng.lognormal(6.05, 0.5, 10200)))
    out.append(counts_case("labels-anchor", [500, 300, 200], [250, 200, 150]))
    out.append(counts_case("new-category", [100, 50, 0], [80, 40, 10]))
    out.append(counts_case("category-gone", [300, 200, 100], [150, 150, 0]))
    out.append(counts_case("same-proportions", [400, 400, 200], [200, 200, 100]))
    out.append(counts_case("histogram-buckets", [1000, 5000, 3000, 800, 200], [600, 4000, 3500, 1500, 400]))
    return out


def fmt(v):
    v = float(v)
    if np.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "reference-stats.txt")
    lines = ["# Drift statistics computed by scipy %s and numpy %s on the data below." % (scipy.__version__, np.__version__),
             "# Written by testdata/drift/reference_stats.py; edit the script, not this file."]
    all_p = []
    for name, kind, ref, cur, e in cases():
        lines.append("case %s %s" % (name, kind))
        lines.append("ref " + " ".join(fmt(v) for v in ref))
        lines.append("cur " + " ".join(fmt(v) for v in cur))
        for k, v in e.items():
            lines.append("expect %s %s" % (k, fmt(v)))
        lines.append("end")
        all_p.append(e.get("ks_pvalue", e.get("chi2_adjusted_pvalue")))
    lines.append("case all-pvalues bonferroni")
    lines.append("ref " + " ".join(fmt(v) for v in all_p))
    lines.append("cur")
    for i, v in enumerate(bonferroni(all_p)):
        lines.append("expect bonferroni_%d %s" % (i, fmt(v)))
    lines.append("end")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
