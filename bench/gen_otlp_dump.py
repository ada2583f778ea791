#!/usr/bin/env python3
"""Writes a large OTLP/JSON dump in the shape of the collector file exporter, for benchmarks.

    python3 bench/gen_otlp_dump.py bench/out/dump.jsonl [--spans 5000000] [--services 40] [--seed 1]

One {"resourceSpans":[...]} object per line; each line is one process's export batch (50-200
spans), so traces are split across lines and children are written before their parents. The
trace context is clean: every parent is present, every CLIENT span has its SERVER child,
children lie inside their parents, one root per trace, GenAI spans carry the current gen_ai.*
attributes. An analysis of the file therefore walks the full path without a flood of findings.

Speed: spans are stamped from a few thousand precomputed trace shapes; the JSON is assembled
from string pieces, never json.dumps per span, and written in large chunks.
"""

import argparse
import os
import random
import sys
import time

MS = 10**6
BASE_NS = 1795168800 * 10**9  # 2026-11-20T10:00:00Z
SCHEMA = "https://opentelemetry.io/schemas/1.24.0"

NAMES = ["gateway", "inference", "model-server", "embedder", "retriever", "reranker", "vector-store",
         "billing", "auth", "conversations", "prompt-cache", "guardrails", "tokenizer", "router", "feature-store",
         "moderation", "quota", "user-profile", "search", "ranker", "notifier", "audit", "scheduler",
         "batcher", "kv-store", "config", "metering", "translator", "summarizer", "classifier",
         "speech", "vision", "ocr", "planner", "tool-runner", "webhooks", "exporter", "ledger",
         "catalog", "assets"]
MODEL_SERVICES = {"inference", "model-server", "embedder", "reranker", "summarizer", "classifier",
                  "translator", "guardrails"}
SCOPES = [("io.opentelemetry.tomcat-10.0", "2.10.0-alpha"),
          ("io.opentelemetry.java-http-client", "2.10.0-alpha"),
          ("io.opentelemetry.opentelemetry-instrumentation-annotations-1.16", "2.10.0-alpha"),
          ("com.example.genai", "1.9.0"),
          ("io.opentelemetry.jdbc", "2.10.0-alpha")]
S_SERVER, S_CLIENT, S_INTERNAL, S_GENAI, S_JDBC = range(5)
INSTANCES = 3


def kv(k, v):
    if isinstance(v, bool):
        return '{"key":"%s","value":{"boolValue":%s}}' % (k, "true" if v else "false")
    if isinstance(v, int):
        return '{"key":"%s","value":{"intValue":"%d"}}' % (k, v)
    if isinstance(v, float):
        return '{"key":"%s","value":{"doubleValue":%r}}' % (k, v)
    if isinstance(v, list):
        return '{"key":"%s","value":{"arrayValue":{"values":[%s]}}}' % (
            k, ",".join('{"stringValue":"%s"}' % x for x in v))
    return '{"key":"%s","value":{"stringValue":"%s"}}' % (k, v)


def service_names(k):
    names = list(NAMES[:k])
    i = 0
    while len(names) < k:
        names.append("%s-%d" % (NAMES[i % len(NAMES)], i // len(NAMES) + 2))
        i += 1
    return names


def resources(names, rng):
    out = []
    for s in names:
        lang = "python" if s in ("model-server", "embedder", "reranker") else "java"
        for i in range(INSTANCES):
            host = "%s-%d" % (s, i)
            iid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                                   rng.getrandbits(12), rng.getrandbits(12),
                                                   rng.getrandbits(48))
            attrs = [kv("host.name", host), kv("process.pid", rng.randrange(1, 500)),
                     kv("service.instance.id", iid), kv("service.name", s),
                     kv("service.version", "%d.%d.%d" % (rng.randint(1, 4), rng.randint(0, 20), rng.randint(0, 9))),
                     kv("telemetry.sdk.language", lang), kv("telemetry.sdk.name", "opentelemetry"),
                     kv("telemetry.sdk.version", "1.44.1" if lang == "java" else "1.28.2")]
            out.append('{"resource":{"attributes":[%s]},"scopeSpans":[' % ",".join(attrs))
    return out


STACK = ("java.util.concurrent.TimeoutException: no KV cache blocks free after 30000 ms\\n"
         "\\tat com.example.inference.engine.BlockManager.allocate(BlockManager.java:212)\\n"
         "\\tat com.example.inference.engine.LlmEngine.generate(LlmEngine.java:148)\\n"
         "\\tat com.example.inference.genai.ChatService.chat(ChatService.java:77)\\n"
         "\\tat java.base/java.lang.Thread.run(Thread.java:1583)\\n")


class N:
    __slots__ = ("name", "kind", "svc", "scope", "attrs", "dur", "kids", "remote", "err",
                 "start", "end", "lead", "gaps", "tail")

    def __init__(self, name, kind, svc, scope, attrs, dur=0, remote=False):
        self.name, self.kind, self.svc, self.scope, self.attrs = name, kind, svc, scope, attrs
        self.dur, self.kids, self.remote, self.err = dur, [], remote, False


def shape(rng, names, downstream, entry):
    """One random trace tree rooted in a SERVER span of service `entry`."""
    thread = lambda: kv("thread.name", "http-nio-8080-exec-%d" % rng.randint(1, 200))

    def server(svc, depth, route):
        th = thread()
        n = N("POST " + route, 2, svc, S_SERVER,
              [kv("http.request.method", "POST"), kv("http.route", route),
               kv("http.response.status_code", 200), th],
              dur=int(rng.uniform(0.4, 25) * MS), remote=depth > 0)
        for _ in range(rng.choice((0, 1, 1, 2))):
            c = N(rng.choice(("validate", "load.context", "render.prompt", "serialize")), 1, svc, S_INTERNAL,
                  [kv("code.function.name", "com.example.%s.Handler.step" % names[svc].replace("-", "")), th],
                  dur=int(rng.uniform(0.2, 6) * MS))
            n.kids.append(c)
        if rng.random() < 0.3:
            n.kids.append(N("SELECT %s" % names[svc].replace("-", "_"), 3, svc, S_JDBC,
                            [kv("db.system.name", "postgresql"), kv("db.operation.name", "SELECT"),
                             kv("db.collection.name", names[svc].replace("-", "_")),
                             kv("server.address", "postgres"), kv("server.port", 5432), th],
                            dur=int(rng.uniform(0.5, 12) * MS)))
        if names[svc] in MODEL_SERVICES:
            emb = names[svc] == "embedder"
            tin, tout = rng.randint(20, 2000), (0 if emb else rng.randint(10, 400))
            op, model = ("embeddings", "bge-large-en") if emb else ("chat", "llama-3-8b")
            a = [kv("gen_ai.operation.name", op), kv("gen_ai.provider.name", "vllm"),
                 kv("gen_ai.request.model", model), kv("gen_ai.response.model", model),
                 kv("gen_ai.usage.input_tokens", tin), th]
            if not emb:
                a += [kv("gen_ai.request.max_tokens", 512), kv("gen_ai.request.temperature", 0.7),
                      kv("gen_ai.response.finish_reasons", ["stop"]), kv("gen_ai.usage.output_tokens", tout),
                      kv("gen_ai.response.id", "chatcmpl-%024x" % rng.getrandbits(96))]
            g = N("%s %s" % (op, model), 1, svc, S_GENAI, a,
                  dur=int((tin * 0.05 + tout * rng.uniform(10, 22) + 5) * MS))
            if not emb and rng.random() < 0.02:
                g.err = True
            n.kids.append(g)
        if depth < 4 and downstream[svc]:
            for _ in range(rng.choice((0, 1, 1, 2, 3) if depth < 2 else (0, 0, 1))):
                tgt = rng.choice(downstream[svc])
                route = "/v1/%s" % rng.choice(("infer", "query", "get", "score", "put"))
                c = N("POST " + route, 3, svc, S_CLIENT,
                      [kv("http.request.method", "POST"), kv("server.address", names[tgt]),
                       kv("server.port", 8080), kv("http.response.status_code", 200), th])
                c.kids.append(server(tgt, depth + 1, route))
                n.kids.append(c)
        return n

    return server(entry, 0, "/v1/chat/completions" if entry == 0 else "/v1/%s" % rng.choice(("jobs", "events")))


def layout(n, rng):
    for c in n.kids:
        layout(c, rng)
    if n.kids:
        net = n.kind == 3
        n.lead = int(rng.uniform(1.5, 4.0 if net else 3.0) * MS)
        n.gaps = [int(rng.uniform(1.1, 2.5) * MS) for _ in n.kids[1:]]
        n.tail = int(rng.uniform(1.5, 4.0 if net else 3.0) * MS)
        n.dur = max(n.dur, n.lead + sum(c.dur for c in n.kids) + sum(n.gaps) + n.tail)


def place(n, t):
    n.start, n.end = t, t + n.dur
    if n.kids:
        t += n.lead
        for i, c in enumerate(n.kids):
            place(c, t)
            t += c.dur + (n.gaps[i] if i < len(n.gaps) else 0)


def template(rng, names, downstream, entries):
    root = shape(rng, names, downstream, rng.choice(entries))
    layout(root, rng)
    place(root, 0)
    out = []  # post-order: children end first and are exported first

    def rec(n):
        my = [rec(c) for c in n.kids]
        idx = len(out)
        flags = 769 if n.remote else 257
        status = '{}'
        events = ""
        if n.err:
            status = '{"message":"no KV cache blocks free after 30000 ms","code":2}'
            events = (',"events":[{"timeUnixNano":"%%d","name":"exception","attributes":[%s,%s,%s]}]'
                      % (kv("exception.message", "no KV cache blocks free after 30000 ms"),
                         kv("exception.stacktrace", STACK),
                         kv("exception.type", "java.util.concurrent.TimeoutException")))
        head = '","flags":%d,"name":"%s","kind":%d,"startTimeUnixNano":"' % (flags, n.name, n.kind)
        tail = '","attributes":[%s]%s,"status":%s}' % (",".join(n.attrs), events, status)
        out.append([n.start, n.end, None, head, tail, n.svc, n.scope, bool(events)])
        for k in my:
            out[k][2] = idx
        return idx

    rec(root)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--spans", type=int, default=5_000_000)
    ap.add_argument("--services", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--templates", type=int, default=3000)
    a = ap.parse_args()
    t0 = time.time()
    rng = random.Random(a.seed)
    names = service_names(a.services)
    k = len(names)
    # a layered call graph: service i calls services with larger indices only (no cycles)
    downstream = []
    for i in range(k):
        later = list(range(i + 1, k))
        rng.shuffle(later)
        downstream.append(sorted(later[:rng.randint(1, 4)]) if later else [])
    entries = [0] + [i for i in range(1, k) if i % 9 == 0]
    res = resources(names, rng)
    scope_open = ['{"scope":{"name":"%s","version":"%s"},"spans":[' % s for s in SCOPES]
    res_close = '],"schemaUrl":"%s"}]}\n' % SCHEMA
    templates = [template(rng, names, downstream, entries) for _ in range(a.templates)]

    pool = rng.randbytes(8 * (1 << 20)).hex()  # 1M random span ids
    pool_n = 1 << 20
    pool_i = 0
    nres = len(res)
    buf = [[[] for _ in SCOPES] for _ in range(nres)]
    cnt = [0] * nres
    limit = [rng.randint(50, 200) for _ in range(nres)]
    out = open(a.out, "w", encoding="ascii", newline="\n")
    chunk, chunk_len = [], 0
    written = spans = traces = lines = 0
    # about 5M spans per simulated hour
    step = max(1, int(3600 * 10**9 / max(1, a.spans / 12)))
    now = BASE_NS
    rand = rng.random
    randrange = rng.randrange
    while spans < a.spans:
        tpl = templates[randrange(a.templates)]
        now += int(step * 2 * rand())
        tid = "%016x%s" % ((traces * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF,
                           pool[pool_i * 16:pool_i * 16 + 16])
        traces += 1
        n = len(tpl)
        if pool_i + n + 1 >= pool_n:
            pool_i = 0
        base = pool_i + 1
        pool_i += n + 1
        inst = randrange(INSTANCES)
        for j in range(n):
            s0, s1, par, head, tail, svc, scope, ev = tpl[j]
            sid = pool[(base + j) * 16:(base + j) * 16 + 16]
            if par is None:
                pre = '{"traceId":"%s","spanId":"%s' % (tid, sid)
            else:
                pre = '{"traceId":"%s","spanId":"%s","parentSpanId":"%s' % (
                    tid, sid, pool[(base + par) * 16:(base + par) * 16 + 16])
            if ev:
                tail = tail % (now + s1 - 200_000)
            r = svc * INSTANCES + (inst + svc) % INSTANCES
            buf[r][scope].append("%s%s%d\",\"endTimeUnixNano\":\"%d%s" % (pre, head, now + s0, now + s1, tail))
            cnt[r] += 1
            if cnt[r] >= limit[r]:
                line = res[r] + ",".join(scope_open[i] + ",".join(lst) + "]}"
                                         for i, lst in enumerate(buf[r]) if lst)
                line = '{"resourceSpans":[' + line + res_close
                chunk.append(line)
                chunk_len += len(line)
                lines += 1
                buf[r] = [[] for _ in SCOPES]
                cnt[r] = 0
                limit[r] = randrange(50, 201)
                if chunk_len > (8 << 20):
                    out.write("".join(chunk))
                    written += chunk_len
                    chunk, chunk_len = [], 0
        spans += n
    for r in range(nres):
        if cnt[r]:
            line = res[r] + ",".join(scope_open[i] + ",".join(lst) + "]}" for i, lst in enumerate(buf[r]) if lst)
            line = '{"resourceSpans":[' + line + res_close
            chunk.append(line)
            chunk_len += len(line)
            lines += 1
    out.write("".join(chunk))
    written += chunk_len
    out.close()
    dt = time.time() - t0
    print("wrote %s: %d spans, %d traces, %d lines, %d bytes (%.2f GiB) in %.1f s"
          % (a.out, spans, traces, lines, written, written / 2**30, dt))


if __name__ == "__main__":
    main()
