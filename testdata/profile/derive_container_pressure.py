#!/usr/bin/env python3
"""Writes container-memory-pressure.jsonl from clean.jsonl: the same real samples, as if the
process's memory cgroup had a limit just above its working set (the machine the samples were
taken on had no limit). Run from this directory: python3 derive_container_pressure.py"""
import json

with open("clean.jsonl") as src, open("container-memory-pressure.jsonl", "w") as dst:
    for line in src:
        doc = json.loads(line)
        for rm in doc["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                metrics = sm["metrics"]
                ws = next(m for m in metrics if m["name"] == "container.memory.working_set")
                metrics[:] = [m for m in metrics if m["name"] != "container.memory.limit"]
                # A limit 5% above the largest working set: the last sample is at about 95%.
                peak = max(p["asDouble"] for p in ws["gauge"]["dataPoints"])
                limit = float(int(peak * 1.05) // 4096 * 4096)
                points = [{"timeUnixNano": p["timeUnixNano"], "asDouble": limit} for p in ws["gauge"]["dataPoints"]]
                metrics.append({"name": "container.memory.limit", "unit": "By", "gauge": {"dataPoints": points}})
        dst.write(json.dumps(doc, separators=(",", ":")) + "\n")
