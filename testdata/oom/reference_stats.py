#!/usr/bin/env python3
"""Reference values for the OOM analyzer's trend statistics, computed with scipy.

Writes reference-stats.txt beside this script (or prints it with --stdout): for each case the
input (x = times, y = values), the Theil-Sen line (scipy.stats.theilslopes, method="joint"),
Spearman's rho (scipy.stats.spearmanr) and the Mann-Kendall test (S and its tie-corrected
variance taken from scipy.stats.kendalltau against time, z with continuity correction, two-sided
p from scipy.stats.norm). Values are written with repr(), so they read back as the same doubles.

    python3 testdata/oom/reference_stats.py            # rewrite reference-stats.txt
    python3 testdata/oom/reference_stats.py --stdout   # print only (the Java test compares)
"""
import math
import os
import random
import sys

import numpy as np
from scipy import stats


def cases():
    rng = random.Random(20261120)
    out = []
    out.append(("hand-rising", [0, 1, 2, 3, 4], [1, 2, 3, 4, 5]))
    out.append(("hand-ties", [0, 1, 2, 3, 4, 5, 6], [3, 1, 3, 2, 5, 5, 5]))
    out.append(("three-points", [10, 20, 30], [7, 5, 9]))
    x = list(range(0, 60 * 15, 15))
    out.append(("noisy-leak", x, [1.0e9 + 2.0e5 * t + rng.gauss(0, 4.0e7) for t in x]))
    out.append(("flat-noise", x, [5.0e8 + rng.gauss(0, 3.0e7) for _ in x]))
    out.append(("falling", x, [2.0e9 - 1.0e6 * t + rng.gauss(0, 1.0e8) for t in x]))
    out.append(("integer-ties", list(range(40)), [rng.randint(0, 4) for _ in range(40)]))
    xl = list(range(200))
    out.append(("long-weak-trend", xl, [0.002 * i + rng.gauss(0, 0.1) for i in xl]))
    return out


def mann_kendall(y):
    n = len(y)
    t = np.arange(n)
    res = stats.kendalltau(t, y, variant="b", method="asymptotic")
    # With no ties in t, tau_b = S / sqrt(n0 * (n0 - n2)).
    n0 = n * (n - 1) / 2
    _, counts = np.unique(y, return_counts=True)
    n2 = sum(c * (c - 1) / 2 for c in counts)
    s = round(res.statistic * math.sqrt(n0 * (n0 - n2)))
    var = (n * (n - 1) * (2 * n + 5) - sum(c * (c - 1) * (2 * c + 5) for c in counts)) / 18.0
    # kendalltau's asymptotic p has no continuity correction: it must equal this one.
    p_plain = 2 * stats.norm.sf(abs(s) / math.sqrt(var))
    assert abs(p_plain - res.pvalue) <= 1e-12 * max(1.0, res.pvalue), (p_plain, res.pvalue)
    z = (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var) if s < 0 else 0.0
    return s, var, z, min(1.0, 2 * stats.norm.sf(abs(z)))


def main():
    lines = ["# written by reference_stats.py with scipy " + __import__("scipy").__version__]
    for name, x, y in cases():
        ts = stats.theilslopes(y, x, method="joint")
        rho = stats.spearmanr(x, y).statistic
        s, var, z, p = mann_kendall(np.asarray(y, dtype=float))
        lines.append("case " + name)
        lines.append("x " + " ".join(repr(float(v)) for v in x))
        lines.append("y " + " ".join(repr(float(v)) for v in y))
        lines.append("theil_slope " + repr(float(ts.slope)))
        lines.append("theil_intercept " + repr(float(ts.intercept)))
        lines.append("spearman " + repr(float(rho)))
        lines.append("mk_s " + repr(int(s)))
        lines.append("mk_var " + repr(float(var)))
        lines.append("mk_z " + repr(float(z)))
        lines.append("mk_p " + repr(float(p)))
        lines.append("end")
    text = "\n".join(lines) + "\n"
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
    else:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference-stats.txt"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
