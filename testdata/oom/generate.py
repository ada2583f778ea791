#!/usr/bin/env python3
"""Writes the OOM analyzer's sample histories into this folder (deterministic: fixed seeds, base
time 2026-11-20T10:00:00Z, one sample every 15 s).

    python3 testdata/oom/generate.py

vllm-kv-oomkill.om.txt   OpenMetrics with timestamps (promtool tsdb dump-openmetrics shape).
    Pod inference/vllm-llama-0, container vllm: vLLM with its KV cache in host memory (CPU
    offload). Weights load in the first 2 minutes, requests start at minute 3 and traffic rises;
    KV-cache usage follows the requests running, the working set follows the KV cache, and at
    about minute 46 it reaches the 20 GiB limit: OOMKilled (exit code 137), restart, reload.
    Also the pod cgroup and pause-container series cAdvisor writes, and an envoy sidecar that
    stays flat. Expect one oom-attribution, memory container, cause kv-cache-growth.

jvm-direct-leak.json + jvm-direct-leak-logs.jsonl   Prometheus query_range JSON (Micrometer
    names) and OTLP/JSON log lines (collector file exporter). Service embedder leaks direct
    buffers under flat load for 2 hours until `OutOfMemoryError: Cannot reserve ... bytes of
    direct buffer memory (allocated: ..., limit: 1073741824)`, logged three times within a minute.
    Expect one oom-attribution, memory jvm-native, cause leak, jvm_buffer_memory_used_bytes
    {id="direct"} ranked first, limit 1 GiB from the message.

heap-risk-otlp.jsonl   OTLP/JSON metrics (OpenTelemetry JVM semantic conventions: jvm.memory.used,
    jvm.memory.limit). Service ranker fills an unbounded cache: what survives GC in G1 Old Gen
    rises about 1 GiB an hour towards the 4 GiB heap; no error yet. Expect one oom-risk, memory
    jvm-heap, about 35 minutes after the data ends.

steady-clean.om.txt   OpenMetrics with timestamps: a healthy vLLM GPU pod (DCGM framebuffer held
    at 90% by preallocation, KV usage and working set following load up and down), its
    kube-state-metrics series (no restart; last termination Completed long ago) and a JVM gateway
    with a G1 sawtooth and flat direct buffers. Expect no finding at all.
"""
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1795168800  # 2026-11-20T10:00:00Z
STEP = 15
GIB = 1024 ** 3
MIB = 1024 ** 2


def fmt_labels(labels):
    return ",".join('%s="%s"' % (k, v) for k, v in sorted(labels.items()))


class OpenMetricsDump:
    """Series in the order promtool dump-openmetrics writes them: all samples of one series together."""

    def __init__(self):
        self.series = []  # (name, labels, [(t, v)])

    def add(self, name, labels, points):
        self.series.append((name, labels, points))

    def write(self, path):
        self.series.sort(key=lambda s: (s[0], fmt_labels(s[1])))
        with open(path, "w") as f:
            for name, labels, points in self.series:
                lab = fmt_labels(labels)
                for t, v in points:
                    f.write("%s{%s} %s %d.000\n" % (name, lab, num(v), t))
            f.write("# EOF\n")


def num(v):
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return repr(round(v, 6))


def times(minutes, start=T0):
    return [start + i * STEP for i in range(int(minutes * 60 / STEP) + 1)]


# --------------------------------------------------------------------------------------------- (a)

def vllm_kv_oomkill():
    rng = random.Random("vllm-kv-oomkill")
    ts = times(52)
    pod = {"namespace": "inference", "pod": "vllm-llama-0"}
    ksm = dict(pod, job="kube-state-metrics", instance="kube-state-metrics:8080", uid="7f1d0c2e-5b1a-4c39-9a57-1f2e4d6c8b90")
    cad = dict(pod, job="kubelet", metrics_path="/metrics/cadvisor", instance="10.0.3.17:10250",
               node="gpu-node-3")
    vll = dict(pod, job="vllm", instance="10.42.1.23:8000", container="vllm", endpoint="http",
               model_name="meta-llama/Llama-3.1-8B-Instruct")
    limit = 20 * GIB
    weights = 9.1 * GIB
    kv_pool = 12 * GIB
    ws, rss, kv, running, waiting, prompt, gen, restarts, reason, exitcode = ([] for _ in range(10))
    prompt_total = gen_total = 0.0
    start = T0          # container start
    killed_at = None
    restart_count = 0
    running_level = 0.0
    for t in ts:
        age = t - start
        # requests start 3 minutes after each start; traffic ramps with the time of day
        if age < 180:
            r = 0.0
        else:
            target = 3 + 0.95 * (t - T0 - 180) / 60.0
            running_level = max(0.0, target + rng.gauss(0, 1.2))
            r = round(running_level)
        u = min(1.0, max(0.0, r * 0.0205 + rng.gauss(0, 0.006))) if r > 0 else 0.0
        load_bytes = 0.3 * GIB + (weights - 0.3 * GIB) * min(1.0, age / 120.0)
        w = load_bytes + kv_pool * u + rng.gauss(0, 40 * MIB)
        if killed_at is None and w >= limit - 64 * MIB:
            w = limit - rng.uniform(8, 40) * MIB
            ws.append((t, w))
            rss.append((t, w - 180 * MIB))
            kv.append((t, u))
            running.append((t, r))
            waiting.append((t, max(0, round(rng.gauss(2, 1)))))
            prompt_total += r * rng.uniform(40, 60)
            gen_total += r * rng.uniform(250, 320)
            prompt.append((t, prompt_total))
            gen.append((t, gen_total))
            restarts.append((t, restart_count))
            killed_at = t
            prompt_total = gen_total = 0.0  # the new process counts from zero
            # killed right after this scrape; the container restarts 10 s later
            start = t + 10
            restart_count += 1
            continue
        ws.append((t, max(w, 0.25 * GIB)))
        if t >= start:
            rss.append((t, max(w - 180 * MIB, 0.1 * GIB)))
            kv.append((t, u))
            running.append((t, r))
            waiting.append((t, max(0, round(rng.gauss(2, 1))) if r else 0))
            prompt_total += r * rng.uniform(40, 60)
            gen_total += r * rng.uniform(250, 320)
            prompt.append((t, prompt_total))
            gen.append((t, gen_total))
        restarts.append((t, restart_count))
        if killed_at is not None:
            reason.append((t, 1))
            exitcode.append((t, 137))
    # process counters restart from zero in the new process
    d = OpenMetricsDump()
    c_lab = dict(cad, container="vllm", image="vllm/vllm-openai:v0.11.0",
                 id="/kubepods/burstable/pod7f1d0c2e/3b9e1a", name="3b9e1a")
    d.add("container_memory_working_set_bytes", c_lab, [(t, int(v)) for t, v in ws])
    # the pod cgroup (no container) and the pause container, as cAdvisor writes them
    d.add("container_memory_working_set_bytes", dict(cad, id="/kubepods/burstable/pod7f1d0c2e"),
          [(t, int(v + 45 * MIB)) for t, v in ws])
    d.add("container_memory_working_set_bytes", dict(cad, container="POD", image="registry.k8s.io/pause:3.9",
                                                     id="/kubepods/burstable/pod7f1d0c2e/aa01", name="aa01"),
          [(t, 716800) for t, _ in ws])
    envoy = dict(cad, container="envoy", image="envoyproxy/envoy:v1.31.2", id="/kubepods/burstable/pod7f1d0c2e/e4f2",
                 name="e4f2")
    d.add("container_memory_working_set_bytes", envoy, [(t, int(48 * MIB + rng.gauss(0, 2 * MIB))) for t, _ in ws])
    d.add("kube_pod_container_resource_limits", dict(ksm, container="vllm", resource="memory", unit="byte",
                                                     node="gpu-node-3"), [(t, limit) for t, _ in ws])
    d.add("kube_pod_container_resource_limits", dict(ksm, container="vllm", resource="cpu", unit="core",
                                                     node="gpu-node-3"), [(t, 8) for t, _ in ws])
    d.add("kube_pod_container_resource_limits", dict(ksm, container="envoy", resource="memory", unit="byte",
                                                     node="gpu-node-3"), [(t, 256 * MIB) for t, _ in ws])
    d.add("kube_pod_container_status_restarts_total", dict(ksm, container="vllm"), restarts)
    d.add("kube_pod_container_status_restarts_total", dict(ksm, container="envoy"), [(t, 0) for t, _ in ws])
    d.add("kube_pod_container_status_last_terminated_reason", dict(ksm, container="vllm", reason="OOMKilled"), reason)
    d.add("kube_pod_container_status_last_terminated_exitcode", dict(ksm, container="vllm"), exitcode)
    d.add("process_resident_memory_bytes", vll, [(t, int(v)) for t, v in rss])
    d.add("vllm:kv_cache_usage_perc", vll, kv)
    d.add("vllm:num_requests_running", vll, running)
    d.add("vllm:num_requests_waiting", vll, waiting)
    d.add("vllm:prompt_tokens_total", vll, [(t, int(v)) for t, v in prompt])
    d.add("vllm:generation_tokens_total", vll, [(t, int(v)) for t, v in gen])
    d.write(os.path.join(HERE, "vllm-kv-oomkill.om.txt"))
    return killed_at


# --------------------------------------------------------------------------------------------- (b)

def jvm_direct_leak():
    rng = random.Random("jvm-direct-leak")
    ts = times(116)
    base = {"application": "embedder", "instance": "embedder-0:8080", "job": "embedder"}
    limit = 1024 * MIB
    series = {}

    def put(name, labels, t, v):
        key = (name, tuple(sorted(labels.items())))
        series.setdefault(key, []).append([t, v])

    eden = 0.0
    direct_live = 64 * MIB
    oom_at = None
    requests = 0.0
    gc_sum = 0.0
    for i, t in enumerate(ts):
        # G1 young collections every ~75 s
        eden += rng.uniform(70, 110) * MIB
        if eden > 560 * MIB:
            eden = rng.uniform(0, 12) * MIB
            gc_sum += rng.uniform(0.008, 0.02)
        old = 310 * MIB + rng.gauss(0, 6 * MIB)
        surv = rng.choice([0, 16, 24, 32]) * MIB
        # direct buffers: a per-request pool that never returns 1 in 200 buffers; the cleaner frees the rest
        direct_live += rng.uniform(1.2, 2.6) * MIB
        transient = rng.uniform(0, 90) * MIB
        direct = min(limit - 512 * 1024, direct_live + transient)
        if oom_at is None and direct_live + transient >= limit - 1 * MIB:
            oom_at = t
        if oom_at is not None:
            direct = min(limit - 512 * 1024, direct)
        requests += rng.uniform(36, 44) * STEP
        lab = dict(base, area="heap")
        put("jvm_memory_used_bytes", dict(lab, id="G1 Eden Space"), t, int(eden))
        put("jvm_memory_used_bytes", dict(lab, id="G1 Old Gen"), t, int(old))
        put("jvm_memory_used_bytes", dict(lab, id="G1 Survivor Space"), t, int(surv))
        lab = dict(base, area="nonheap")
        put("jvm_memory_used_bytes", dict(lab, id="Metaspace"), t, int(96 * MIB + i * 200))
        put("jvm_memory_used_bytes", dict(lab, id="CodeHeap 'non-profiled nmethods'"), t, int(min(30 * MIB, 12 * MIB + i * 500000)))
        put("jvm_memory_used_bytes", dict(lab, id="Compressed Class Space"), t, int(12 * MIB + i * 20))
        put("jvm_memory_max_bytes", dict(base, area="heap", id="G1 Eden Space"), t, -1)
        put("jvm_memory_max_bytes", dict(base, area="heap", id="G1 Old Gen"), t, 2 * GIB)
        put("jvm_memory_max_bytes", dict(base, area="heap", id="G1 Survivor Space"), t, -1)
        put("jvm_memory_committed_bytes", dict(base, area="heap", id="G1 Old Gen"), t, 1 * GIB)
        put("jvm_buffer_memory_used_bytes", dict(base, id="direct"), t, int(direct))
        put("jvm_buffer_memory_used_bytes", dict(base, id="mapped"), t, 0)
        put("jvm_buffer_total_capacity_bytes", dict(base, id="direct"), t, int(direct))
        put("jvm_buffer_count_buffers", dict(base, id="direct"), t, int(direct / (1024 * 1024)))
        put("process_resident_memory_bytes", base, t, int(1.1 * GIB + direct + 150 * MIB + rng.gauss(0, 8 * MIB)))
        put("http_server_requests_seconds_count", dict(base, method="POST", outcome="SUCCESS", status="200",
                                                       uri="/v1/embeddings"), t, int(requests))
        put("jvm_gc_pause_seconds_sum", dict(base, action="end of minor GC", cause="G1 Evacuation Pause",
                                             gc="G1 Young Generation"), t, round(gc_sum, 4))
        if oom_at is not None and t >= oom_at + 4 * 60:
            break
    result = []
    for (name, labels), points in series.items():
        metric = {"__name__": name}
        metric.update(dict(labels))
        result.append({"metric": metric, "values": [[p[0], str(p[1])] for p in points]})
    with open(os.path.join(HERE, "jvm-direct-leak.json"), "w") as f:
        json.dump({"status": "success", "data": {"resultType": "matrix", "result": result}}, f,
                  separators=(",", ":"))
        f.write("\n")

    # OTLP/JSON logs, as the collector's file exporter writes them: one ExportLogsServiceRequest a line.
    resource = {"attributes": [
        {"key": "service.name", "value": {"stringValue": "embedder"}},
        {"key": "service.instance.id", "value": {"stringValue": "embedder-0"}},
        {"key": "telemetry.sdk.language", "value": {"stringValue": "java"}},
        {"key": "process.runtime.version", "value": {"stringValue": "17.0.15+6"}}]}
    scope = {"name": "io.opentelemetry.logback-appender-1.0"}

    def record(t_ns, sev, text, body, attrs):
        return {"timeUnixNano": str(t_ns), "observedTimeUnixNano": str(t_ns + 2_000_000), "severityNumber": sev,
                "severityText": text, "body": {"stringValue": body},
                "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attrs]}

    stack = ("java.lang.OutOfMemoryError: Cannot reserve 1048576 bytes of direct buffer memory "
             "(allocated: 1073217536, limit: 1073741824)\n\tat java.base/java.nio.Bits.reserveMemory(Bits.java:178)\n"
             "\tat java.base/java.nio.DirectByteBuffer.<init>(DirectByteBuffer.java:121)\n"
             "\tat java.base/java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332)\n"
             "\tat dev.example.embedder.TensorPool.acquire(TensorPool.java:58)\n"
             "\tat dev.example.embedder.EmbedHandler.handle(EmbedHandler.java:91)")
    lines = []
    for minute in (5, 30, 60, 90):
        t = (T0 + minute * 60) * 10 ** 9
        lines.append([record(t, 9, "INFO", "embedded batch of 32 inputs in 41 ms",
                             [("logger.name", "dev.example.embedder.EmbedHandler")])])
    oom_ns = oom_at * 10 ** 9 + 7_250_000_000
    errors = []
    for k, dt in enumerate((0, 19_400_000_000, 47_100_000_000)):
        errors.append(record(oom_ns + dt, 17, "ERROR", "request failed: POST /v1/embeddings",
                             [("exception.type", "java.lang.OutOfMemoryError"),
                              ("exception.message", "Cannot reserve 1048576 bytes of direct buffer memory "
                                                    "(allocated: 1073217536, limit: 1073741824)"),
                              ("exception.stacktrace", stack),
                              ("thread.name", "http-nio-8080-exec-%d" % (k + 3))]))
    lines.append(errors)
    with open(os.path.join(HERE, "jvm-direct-leak-logs.jsonl"), "w") as f:
        for recs in lines:
            f.write(json.dumps({"resourceLogs": [{"resource": resource, "scopeLogs": [
                {"scope": scope, "logRecords": recs}]}]}, separators=(",", ":")) + "\n")
    return oom_at


# --------------------------------------------------------------------------------------------- (c)

def heap_risk():
    rng = random.Random("heap-risk")
    ts = times(100)
    resource = {"attributes": [
        {"key": "service.name", "value": {"stringValue": "ranker"}},
        {"key": "service.instance.id", "value": {"stringValue": "ranker-1"}},
        {"key": "host.name", "value": {"stringValue": "ip-10-0-4-21"}},
        {"key": "telemetry.sdk.language", "value": {"stringValue": "java"}}]}
    scope = {"name": "io.opentelemetry.runtime-telemetry-java17", "version": "2.10.0-alpha"}
    start_ns = T0 * 10 ** 9
    eden = 0.0
    live = 1.2 * GIB
    old = live
    requests = 0
    lines = []
    for i, t in enumerate(ts):
        eden += rng.uniform(90, 140) * MIB
        promoted = 0.0
        if eden > 700 * MIB:
            promoted = rng.uniform(20, 40) * MIB
            eden = rng.uniform(0, 10) * MIB
        # an unbounded result cache: about 1 GiB more live data an hour after a 10 minute warm-up
        if t - T0 > 600:
            live += 1.0 * GIB / 240 * rng.uniform(0.7, 1.3)
        old += promoted
        if old > live + 450 * MIB:  # a mixed collection brings old gen back to the live set
            old = live + rng.uniform(0, 30) * MIB
        old = max(old, live)
        requests += int(rng.uniform(110, 130) * STEP)
        now = str(t * 10 ** 9)

        def pt(v, attrs):
            return {"startTimeUnixNano": str(start_ns), "timeUnixNano": now, "asInt": str(int(v)),
                    "attributes": [{"key": k, "value": {"stringValue": x}} for k, x in attrs]}

        heap = [("jvm.memory.type", "heap")]
        metrics = [
            {"name": "jvm.memory.used", "unit": "By", "description": "Measure of memory used.",
             "sum": {"aggregationTemporality": 2, "dataPoints": [
                 pt(eden, heap + [("jvm.memory.pool.name", "G1 Eden Space")]),
                 pt(old, heap + [("jvm.memory.pool.name", "G1 Old Gen")]),
                 pt(rng.choice([0, 8, 16]) * MIB, heap + [("jvm.memory.pool.name", "G1 Survivor Space")]),
                 pt(88 * MIB + i * 100, [("jvm.memory.type", "non_heap"), ("jvm.memory.pool.name", "Metaspace")])]}},
            {"name": "jvm.memory.limit", "unit": "By", "description": "Measure of max obtainable memory.",
             "sum": {"aggregationTemporality": 2, "dataPoints": [
                 pt(4 * GIB, heap + [("jvm.memory.pool.name", "G1 Old Gen")])]}},
            {"name": "http.server.request.duration", "unit": "s", "description": "Duration of HTTP server requests.",
             "histogram": {"aggregationTemporality": 2, "dataPoints": [{
                 "startTimeUnixNano": str(start_ns), "timeUnixNano": now, "count": str(requests),
                 "sum": requests * 0.021, "bucketCounts": [str(requests // 2), str(requests - requests // 2), "0"],
                 "explicitBounds": [0.025, 0.1],
                 "attributes": [{"key": "http.route", "value": {"stringValue": "/rank"}},
                                {"key": "http.request.method", "value": {"stringValue": "POST"}}]}]}},
        ]
        lines.append({"resourceMetrics": [{"resource": resource, "scopeMetrics": [
            {"scope": scope, "metrics": metrics}]}]})
    with open(os.path.join(HERE, "heap-risk-otlp.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


# --------------------------------------------------------------------------------------------- (d)

def steady_clean():
    rng = random.Random("steady-clean")
    ts = times(120)
    d = OpenMetricsDump()
    pod = {"namespace": "inference", "pod": "vllm-qwen-1"}
    ksm = dict(pod, job="kube-state-metrics", instance="kube-state-metrics:8080")
    cad = dict(pod, job="kubelet", metrics_path="/metrics/cadvisor", instance="10.0.3.18:10250")
    vll = dict(pod, job="vllm", instance="10.42.1.31:8000", container="vllm", model_name="Qwen/Qwen2.5-7B-Instruct")
    dcgm = dict(pod, job="dcgm-exporter", instance="10.0.3.18:9400", container="vllm", gpu="0",
                UUID="GPU-5a1b7c2d-9e8f-4a3b-8c6d-1e2f3a4b5c6d", device="nvidia0", modelName="NVIDIA H100 80GB HBM3",
                Hostname="gpu-node-4")
    ws, kv, running, fb_used, fb_free = [], [], [], [], []
    for t in ts:
        hour = (t - T0) / 3600.0
        # diurnal-ish load: up and down twice in two hours
        level = 18 + 14 * math.sin(hour * math.pi * 2)
        r = max(0, round(level + rng.gauss(0, 2)))
        u = min(0.98, max(0.0, r * 0.018 + rng.gauss(0, 0.01)))
        running.append((t, r))
        kv.append((t, round(u, 4)))
        ws.append((t, int(6.2 * GIB + u * 1.5 * GIB + rng.gauss(0, 30 * MIB))))
        used = 73_400 + rng.randint(-40, 40)  # MiB: 90% preallocated by vLLM
        fb_used.append((t, used))
        fb_free.append((t, 81_559 - used))
    d.add("container_memory_working_set_bytes", dict(cad, container="vllm", image="vllm/vllm-openai:v0.11.0",
                                                      id="/kubepods/pod1/c1", name="c1"), ws)
    d.add("kube_pod_container_resource_limits", dict(ksm, container="vllm", resource="memory", unit="byte"),
          [(t, 16 * GIB) for t in ts])
    d.add("kube_pod_container_status_restarts_total", dict(ksm, container="vllm"), [(t, 0) for t in ts])
    d.add("kube_pod_container_status_last_terminated_reason", dict(ksm, container="vllm", reason="Completed"),
          [(t, 1) for t in ts])
    d.add("vllm:kv_cache_usage_perc", vll, kv)
    d.add("vllm:num_requests_running", vll, running)
    d.add("DCGM_FI_DEV_FB_USED", dcgm, fb_used)
    d.add("DCGM_FI_DEV_FB_FREE", dcgm, fb_free)
    # a JVM gateway in front of it: G1 sawtooth, flat old gen and direct buffers
    gw = {"namespace": "inference", "pod": "gateway-6d9f-x2k", "job": "gateway", "instance": "10.42.2.7:8080"}
    eden = 0.0
    eden_pts, old_pts, direct_pts, rss_pts, req_pts = [], [], [], [], []
    req = 0
    for t in ts:
        eden += rng.uniform(20, 60) * MIB
        if eden > 300 * MIB:
            eden = rng.uniform(0, 8) * MIB
        eden_pts.append((t, int(eden)))
        old_pts.append((t, int(140 * MIB + rng.gauss(0, 4 * MIB))))
        direct = 32 * MIB + rng.uniform(0, 24) * MIB
        direct_pts.append((t, int(direct)))
        rss_pts.append((t, int(700 * MIB + eden / 4 + direct + rng.gauss(0, 5 * MIB))))
        req += int(rng.uniform(50, 70) * STEP)
        req_pts.append((t, req))
    d.add("jvm_memory_used_bytes", dict(gw, area="heap", id="G1 Eden Space"), eden_pts)
    d.add("jvm_memory_used_bytes", dict(gw, area="heap", id="G1 Old Gen"), old_pts)
    d.add("jvm_memory_max_bytes", dict(gw, area="heap", id="G1 Old Gen"), [(t, 1 * GIB) for t in ts])
    d.add("jvm_buffer_memory_used_bytes", dict(gw, id="direct"), direct_pts)
    d.add("process_resident_memory_bytes", gw, rss_pts)
    d.add("http_server_requests_seconds_count", dict(gw, method="POST", status="200", uri="/v1/chat/completions"),
          req_pts)
    d.write(os.path.join(HERE, "steady-clean.om.txt"))


if __name__ == "__main__":
    kill = vllm_kv_oomkill()
    oom = jvm_direct_leak()
    heap_risk()
    steady_clean()
    print("vllm OOMKilled after the sample at %d (+%d min)" % (kill, (kill - T0) // 60))
    print("direct buffer OutOfMemoryError at %d (+%d min)" % (oom, (oom - T0) // 60))
