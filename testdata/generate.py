#!/usr/bin/env python3
"""Writes the sample dumps under testdata/.

Run from anywhere: ``python3 testdata/generate.py``. The output is deterministic (fixed seeds, fixed
base time 2026-11-20T10:00:00Z), so regenerating gives byte-identical files and a clean diff.

The story is one AI inference pipeline:

    gateway       SERVER  POST /v1/chat/completions
                  INTERNAL  auth.verify
                  CLIENT  POST /infer (server.address=inference)
                  PRODUCER  send usage-events            (some requests)
    inference     SERVER  POST /infer (remote parent, flags 0x301)
                  INTERNAL  tokenize
                  INTERNAL  batch.wait
                  INTERNAL  chat llama-3-8b               (in-process engine), or
                  INTERNAL  chat llama-3-8b -> CLIENT POST /generate (server.address=model-server), or
                  CLIENT    chat llama-3-8b (server.address=model-server)
    model-server  SERVER  POST /generate or POST /v1/chat/completions
                  INTERNAL  prefill, decode
    billing       CONSUMER  process usage-events          (new trace, span link to the producer)
                  INTERNAL  UsageLedger.record
                  CLIENT    INSERT usage_events (postgres, not in the dump)

Files (see testdata/README.md for one line each):

clean/      Correct telemetry. No traceguard rule may fire on any of it.
            pipeline.jsonl      ~300 traces as the collector file exporter writes them; traces split
                                across lines, children before parents, several services per line,
                                a few error traces, a Kafka path, and 4 traces that are a lone SERVER
                                span whose caller was not in the dump yet (remote parent, flags 769).
            pipeline.jsonl.gz   the same bytes, gzipped.
            pipeline.pretty.json  3 other traces as one pretty-printed {"resourceSpans": [...]}.
            logging-otlp.log    the billing service's stdout with the Java logging-otlp exporter:
                                a JUL header line, then "INFO: " and one bare ResourceSpans object.
            tempo.json          one trace as Grafana Tempo returns it: {"batches": [...]}, upper-case
                                hex ids, enum names for span kinds.

broken/     One file per context rule. Each holds the smallest story that triggers its rule and,
            as far as possible, nothing else. broken/expected.json lists, per file, the rule and
            the trace ids, span ids and span names a test should expect.
            invalid-id           all-zero trace id; 6-byte span id; 10-hex-char parent id.
            duplicate-span-id    two different spans share (traceId, spanId): an id generator bug.
                                 Also a Zipkin/B3-style CLIENT/SERVER pair sharing one span id and a
                                 batch written twice (collector retry); neither of those is a finding.
            negative-duration    batch.wait ends before it starts; a root span has start "0".
            orphan-span          batch.wait names a local parent (flags 257) that never reached the
                                 dump, while the rest of its trace is there.
            trace-split          the gateway's HTTP client dropped traceparent on 3 requests: each
                                 CLIENT POST /infer has no SERVER child, and the inference SERVER
                                 POST /infer starts a new trace inside the client's interval.
            context-lost         batch.wait runs on an executor; in 40 of 42 requests the context is
                                 carried, in 2 it is not and batch.wait becomes the root of a new
                                 trace on thread pool-2-thread-3 while POST /infer is live.
            clock-skew           model-server's clock is 40 ms behind: its SERVER span starts 40 ms
                                 before the inference CLIENT span that called it.
            multiple-roots       the gateway derives trace ids from X-Request-Id; a client retry
                                 reused the header, so one trace has two parentless roots.
            missing-ai-attributes  chat spans with gen_ai.operation.name but no gen_ai.request.model
                                 and no gen_ai.provider.name.
            deprecated-ai-attributes  chat spans in the pre-1.37 shape: gen_ai.system,
                                 gen_ai.usage.prompt_tokens / completion_tokens (no new names).
            bad-records          line 3 is truncated JSON, line 5 is binary garbage (invalid UTF-8),
                                 line 6 holds a span with startTimeUnixNano "abc"; the other lines
                                 are valid, complete traces.

metrics/    inference.prom (Prometheus text 0.0.4), inference.om.txt (promtool tsdb
            dump-openmetrics shape), query_range.json (HTTP API matrix), promtool-dump.txt
            (promtool tsdb dump shape).
"""

import datetime
import gzip
import json
import math
import os
import random
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_S = int(datetime.datetime(2026, 11, 20, 10, 0, 0, tzinfo=datetime.timezone.utc).timestamp())
BASE_NS = BASE_S * 10**9
MS = 10**6
SEC = 10**9

SERVER_FLAGS = 0x301  # sampled, has-is-remote, is-remote: parent context came over the wire
LOCAL_FLAGS = 0x101   # sampled, has-is-remote: parent is local or absent

KIND = {"INTERNAL": 1, "SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5}
KIND_NAME = {v: "SPAN_KIND_" + k for k, v in KIND.items()}

MODEL = "llama-3-8b"
RESPONSE_MODEL = "meta-llama/Meta-Llama-3-8B-Instruct"
SCHEMA = "https://opentelemetry.io/schemas/1.24.0"

# ---------------------------------------------------------------------------------------------
# Resources and scopes


class Resource:
    def __init__(self, service, instance, attrs):
        self.service = service
        self.instance = instance
        self.attrs = attrs

    def json(self):
        return {"attributes": kvs(self.attrs)}


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%x%s-%s" % (h[0:8], h[8:12], h[13:16], 8 + rng.randrange(4), h[17:20], h[20:32])


def make_resources():
    rng = random.Random("resources")
    spec = [
        ("gateway", "2.14.3", "java", ["gateway-7d9f8c6b5-x2kqp", "gateway-7d9f8c6b5-m8wzt"]),
        ("inference", "1.9.0", "java", ["inference-0", "inference-1", "inference-2"]),
        ("model-server", "0.11.0", "python", ["model-server-0", "model-server-1"]),
        ("billing", "3.2.1", "java", ["billing-5b7c9d4f8-qq2lr"]),
    ]
    out = {}
    for service, version, lang, hosts in spec:
        lst = []
        for host in hosts:
            attrs = [("host.name", host), ("process.pid", rng.randrange(1, 400)),
                     ("service.instance.id", uuid4(rng)), ("service.name", service),
                     ("service.version", version), ("telemetry.sdk.language", lang),
                     ("telemetry.sdk.name", "opentelemetry"),
                     ("telemetry.sdk.version", "1.44.1" if lang == "java" else "1.28.2")]
            lst.append(Resource(service, host, attrs))
        out[service] = lst
    return out


RES = make_resources()

S_TOMCAT = ("io.opentelemetry.tomcat-10.0", "2.10.0-alpha")
S_HTTPCLIENT = ("io.opentelemetry.java-http-client", "2.10.0-alpha")
S_ANNOT = ("io.opentelemetry.opentelemetry-instrumentation-annotations-1.16", "2.10.0-alpha")
S_KAFKA = ("io.opentelemetry.kafka-clients-0.11", "2.10.0-alpha")
S_SPRING_KAFKA = ("io.opentelemetry.spring-kafka-2.7", "2.10.0-alpha")
S_JDBC = ("io.opentelemetry.jdbc", "2.10.0-alpha")
S_GENAI = ("com.example.inference.genai", "1.9.0")
S_FASTAPI = ("opentelemetry.instrumentation.fastapi", "0.49b0")
S_VLLM = ("vllm.engine", "0.11.0")

# ---------------------------------------------------------------------------------------------
# OTLP/JSON encoding (the collector's pdata marshaller: lowerCamelCase, int enums, int64 as strings)


def anyvalue(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, (list, tuple)):
        return {"arrayValue": {"values": [anyvalue(x) for x in v]}}
    return {"stringValue": v}


def kvs(attrs):
    return [{"key": k, "value": anyvalue(v)} for k, v in attrs]


class Span:
    """One span, already placed in time. Fields mirror OTLP; *_raw override the encoded value."""

    def __init__(self, res, scope, trace_id, span_id, parent_id, name, kind, start, end, attrs,
                 flags=LOCAL_FLAGS):
        self.res, self.scope = res, scope
        self.trace_id, self.span_id, self.parent_id = trace_id, span_id, parent_id
        self.name, self.kind, self.start, self.end = name, kind, start, end
        self.attrs = attrs
        self.events = []
        self.links = []
        self.status = None
        self.flags = flags
        self.start_raw = None
        self.end_raw = None

    def json(self, upper=False, enum_names=False):
        def h(x):
            return x.upper() if upper else x
        d = {"traceId": h(self.trace_id), "spanId": h(self.span_id)}
        if self.parent_id:
            d["parentSpanId"] = h(self.parent_id)
        d["flags"] = self.flags
        d["name"] = self.name
        d["kind"] = KIND_NAME[self.kind] if enum_names else self.kind
        d["startTimeUnixNano"] = self.start_raw if self.start_raw is not None else str(self.start)
        d["endTimeUnixNano"] = self.end_raw if self.end_raw is not None else str(self.end)
        if self.attrs:
            d["attributes"] = kvs(self.attrs)
        if self.events:
            d["events"] = [{"timeUnixNano": str(t), "name": n, "attributes": kvs(a)}
                           for t, n, a in self.events]
        if self.links:
            d["links"] = [{"traceId": h(t), "spanId": h(s), "flags": f} for t, s, f in self.links]
        if self.status:
            d["status"] = {"message": self.status[1], "code": self.status[0]} if self.status[1] \
                else {"code": self.status[0]}
        else:
            d["status"] = {}
        return d


def group_resource_spans(batches, upper=False, enum_names=False):
    """batches: list of (resource, [spans]) as the SDKs exported them -> list of ResourceSpans."""
    out = []
    for res, spans in batches:
        scopes = {}
        for s in spans:
            scopes.setdefault(s.scope, []).append(s)
        out.append({
            "resource": res.json(),
            "scopeSpans": [{"scope": {"name": sc[0], "version": sc[1]},
                            "spans": [s.json(upper, enum_names) for s in lst]}
                           for sc, lst in scopes.items()],
            "schemaUrl": SCHEMA,
        })
    return out


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def export_lines(spans, rng, tick_ms=5000, max_line=160, swap=0.15):
    """Simulates BatchSpanProcessor per process (export every tick, spans in end order) and the
    collector writing each arriving export, merged per second, as one line."""
    phase = {}
    sdk = {}
    for s in spans:
        key = s.res.instance
        if key not in phase:
            phase[key] = rng.randrange(tick_ms) * MS
        p = phase[key]
        end = s.end if s.end_raw is None else s.start
        tick = (max(end, s.start) - p) // (tick_ms * MS) + 1
        sdk.setdefault((tick * tick_ms * MS + p, key), []).append(s)
    exports = sorted(sdk.items(), key=lambda kv: kv[0])
    lines = []
    cur, cur_sec, cur_n = [], None, 0
    for (t, key), lst in exports:
        lst.sort(key=lambda s: (s.end, s.span_id))
        for i in range(len(lst) - 1):  # the SDK queue is not strictly ordered
            if rng.random() < swap:
                lst[i], lst[i + 1] = lst[i + 1], lst[i]
        sec = t // SEC
        if cur and (sec != cur_sec or cur_n + len(lst) > max_line):
            lines.append(cur)
            cur, cur_n = [], 0
        cur_sec = sec
        cur.append((lst[0].res, lst))
        cur_n += len(lst)
    if cur:
        lines.append(cur)
    for batch in lines:
        if len(batch) > 1 and rng.random() < 0.5:
            batch.reverse()
    return lines


def write_jsonl(path, lines, extra=None):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for batch in lines:
            f.write(dumps({"resourceSpans": group_resource_spans(batch)}) + "\n")


# ---------------------------------------------------------------------------------------------
# Trace building: a tree of nodes with durations, laid out bottom-up, then flattened to spans.


class Ids:
    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def _new(self, bits):
        while True:
            v = "%0*x" % (bits // 4, self.rng.getrandbits(bits))
            if int(v, 16) and v not in self.seen:
                self.seen.add(v)
                return v

    def trace(self):
        return self._new(128)

    def span(self):
        return self._new(64)


class Node:
    def __init__(self, name, kind, res, scope, attrs=None, dur=0, children=None, remote=False,
                 tag=None):
        self.name, self.kind, self.res, self.scope = name, kind, res, scope
        self.attrs = attrs or []
        self.leaf_dur = dur
        self.children = children or []
        self.remote = remote  # parent context arrived over the network
        self.tag = tag or name
        self.status = None
        self.events = []  # (offset_ns, name, attrs); offset from span start, negative from end
        self.late_attrs = []  # attributes known only at the end (status codes)


def margin(rng, lo=1.2, hi=3.5):
    return int(rng.uniform(lo, hi) * MS)


def measure(n, rng):
    if not n.children:
        n.dur = n.leaf_dur
        return
    for c in n.children:
        measure(c, rng)
    net = any(c.remote for c in n.children)
    n.lead = margin(rng, 1.5, 4.0) if net else margin(rng)
    n.gaps = [margin(rng, 1.1, 2.5) for _ in n.children[1:]]
    n.tail = margin(rng, 1.5, 4.0) if net else margin(rng)
    n.dur = max(n.leaf_dur, n.lead + sum(c.dur for c in n.children) + sum(n.gaps) + n.tail)


def place(n, start):
    n.start = start
    n.end = start + n.dur
    t = start + getattr(n, "lead", 0)
    for i, c in enumerate(n.children):
        place(c, t)
        t += c.dur + (n.gaps[i] if i < len(n.gaps) else 0)


def flatten(root, trace_id, ids, parent_id=None, remote_root=False):
    spans, by_tag = [], {}

    def rec(n, pid, remote):
        s = Span(n.res, n.scope, trace_id, ids.span(), pid, n.name, KIND[n.kind], n.start, n.end,
                 n.attrs + n.late_attrs, SERVER_FLAGS if remote else LOCAL_FLAGS)
        s.status = n.status
        for off, name, attrs in n.events:
            s.events.append((n.start + off if off >= 0 else n.end + off, name, attrs))
        spans.append(s)
        by_tag.setdefault(n.tag, []).append(s)
        for c in n.children:
            rec(c, s.span_id, c.remote)

    rec(root, parent_id, remote_root)
    return spans, by_tag


def build(root, start, trace_id, ids, rng, parent_id=None, remote_root=False):
    measure(root, rng)
    place(root, start)
    return flatten(root, trace_id, ids, parent_id, remote_root)


# ---------------------------------------------------------------------------------------------
# The pipeline


def exec_thread(rng, n=None):
    n = n if n is not None else rng.randint(1, 40)
    return [("thread.name", "http-nio-8080-exec-%d" % n)]


JAVA_TIMEOUT_TRACE = (
    "java.util.concurrent.TimeoutException: no KV cache blocks free after 30000 ms\n"
    "\tat com.example.inference.engine.BlockManager.allocate(BlockManager.java:212)\n"
    "\tat com.example.inference.engine.LlmEngine.generate(LlmEngine.java:148)\n"
    "\tat com.example.inference.genai.ChatService.chat(ChatService.java:77)\n"
    "\tat com.example.inference.api.InferController.infer(InferController.java:54)\n"
    "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n"
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n"
    "\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)\n")

JAVA_HTTP500_TRACE = (
    "org.springframework.web.client.HttpServerErrorException$InternalServerError: 500 Internal Server Error: "
    "\"{\"detail\":\"CUDA out of memory\"}\"\n"
    "\tat org.springframework.web.client.HttpServerErrorException.create(HttpServerErrorException.java:102)\n"
    "\tat org.springframework.web.client.StatusHandler.lambda$defaultHandler$3(StatusHandler.java:89)\n"
    "\tat org.springframework.web.client.DefaultRestClient$DefaultResponseSpec.toEntity(DefaultRestClient.java:720)\n"
    "\tat com.example.inference.genai.RemoteEngineClient.generate(RemoteEngineClient.java:61)\n"
    "\tat com.example.inference.genai.ChatService.chat(ChatService.java:81)\n"
    "\tat com.example.inference.api.InferController.infer(InferController.java:54)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)\n")

PY_OOM_TRACE = (
    "Traceback (most recent call last):\n"
    "  File \"/usr/local/lib/python3.12/site-packages/vllm/entrypoints/openai/api_server.py\", line 412, in generate\n"
    "    async for out in engine.generate(prompt, params, request_id):\n"
    "  File \"/usr/local/lib/python3.12/site-packages/vllm/v1/engine/async_llm.py\", line 318, in generate\n"
    "    out = q.get_nowait() or await q.get()\n"
    "  File \"/usr/local/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py\", line 1544, in execute_model\n"
    "    hidden_states = self.model(input_ids=input_ids, positions=positions)\n"
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity "
    "of 79.10 GiB of which 1.21 GiB is free.\n")

JAVA_CTX_TRACE = (
    "com.example.inference.api.ContextLengthExceededException: prompt has 8402 tokens, model limit is 8192\n"
    "\tat com.example.inference.text.Tokenizer.encode(Tokenizer.java:96)\n"
    "\tat com.example.inference.api.InferController.infer(InferController.java:48)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)\n")


def exception_event(offset, etype, msg, stack):
    return (offset, "exception", [("exception.message", msg), ("exception.stacktrace", stack),
                                  ("exception.type", etype)])


def genai_attrs(rng, tin, tout, finish="stop", remote=False, style="current", provider=True,
                model=True):
    a = [("gen_ai.operation.name", "chat")]
    if style == "current" and provider:
        a.append(("gen_ai.provider.name", "vllm"))
    if style == "deprecated":
        a.append(("gen_ai.system", "vllm"))
    a += [("gen_ai.request.max_tokens", 512)]
    if model:
        a.append(("gen_ai.request.model", MODEL))
    a += [("gen_ai.response.finish_reasons", [finish]),
          ("gen_ai.response.id", "chatcmpl-%024x" % rng.getrandbits(96)),
          ("gen_ai.response.model", RESPONSE_MODEL)]
    if style == "deprecated":
        a += [("gen_ai.usage.completion_tokens", tout), ("gen_ai.usage.prompt_tokens", tin)]
    else:
        a += [("gen_ai.usage.input_tokens", tin), ("gen_ai.usage.output_tokens", tout)]
    if remote:
        a += [("server.address", "model-server"), ("server.port", 8000)]
    return a


def http_server(name, route, res, scope, thread, port=8080, host=None, client_ip=None, python=False):
    a = [("http.request.method", "POST"), ("http.route", route),
         ("server.address", host or res.service), ("server.port", port), ("url.path", route)]
    if thread and not python:
        a += thread
    return Node(name, "SERVER", res, scope, a, remote=True)


def http_client(name, host, port, path, res, scope, thread):
    a = [("http.request.method", "POST"), ("server.address", host), ("server.port", port),
         ("url.full", "http://%s:%d%s" % (host, port, path))] + thread
    return Node(name, "CLIENT", res, scope, a)


def set_http_status(n, code, server):
    n.late_attrs.append(("http.response.status_code", code))
    if code >= 500 or (not server and code >= 400):
        n.late_attrs.append(("error.type", str(code)))
        n.status = (2, None)


class Opts:
    def __init__(self, **kw):
        self.variant = "A"        # A in-process engine, B remote /generate, C CLIENT chat span
        self.error = None         # None, "timeout", "oom", "context"
        self.kafka = False
        self.genai_style = "current"
        self.genai_provider = True
        self.genai_model = True
        self.auth = True
        self.gw = 0
        self.inf = 0
        self.ms = 0
        self.gw_thread = None
        self.inf_thread = None
        self.__dict__.update(kw)


def pipeline(rng, o):
    """Returns the gateway root node of one request; nodes are tagged for later mutation."""
    gw, inf, ms = RES["gateway"][o.gw], RES["inference"][o.inf], RES["model-server"][o.ms]
    gthread = exec_thread(rng, o.gw_thread)
    ithread = exec_thread(rng, o.inf_thread)
    tin = rng.randint(40, 1800)
    tout = rng.randint(12, 420)
    finish = "length" if tout > 400 else "stop"
    per_tok = rng.uniform(11, 24) * MS
    prefill_ns = int(tin * rng.uniform(0.04, 0.09) * MS) + 8 * MS
    decode_ns = int(tout * per_tok)

    gw_server = http_server("POST /v1/chat/completions", "/v1/chat/completions", gw, S_TOMCAT,
                            gthread, host="api.example.com", port=443,
                            client_ip="10.12.%d.%d" % (rng.randint(0, 3), rng.randint(2, 250)))
    gw_server.remote = False
    gw_server.tag = "gw.server"
    if o.auth:
        gw_server.children.append(Node("auth.verify", "INTERNAL", gw, S_ANNOT,
                                       [("code.function.name", "com.example.gateway.auth.ApiKeyVerifier.verify")]
                                       + gthread, dur=int(rng.uniform(0.4, 2.5) * MS)))
    gw_client = http_client("POST /infer", "inference", 8080, "/infer", gw, S_HTTPCLIENT, gthread)
    gw_client.tag = "gw.client"
    gw_server.children.append(gw_client)

    inf_server = http_server("POST /infer", "/infer", inf, S_TOMCAT, ithread,
                             client_ip="10.12.1.%d" % (20 + o.gw))
    inf_server.tag = "inf.server"
    gw_client.children.append(inf_server)
    tok = Node("tokenize", "INTERNAL", inf, S_ANNOT,
               [("tokenizer.input_tokens", tin)] + ithread,
               dur=int((0.6 + tin * 0.004) * MS * rng.uniform(0.8, 1.3)))
    inf_server.children.append(tok)
    codes = {"gw": 200, "inf": 200, "ms": 200}

    if o.error == "context":
        tok.status = (2, "prompt has 8402 tokens, model limit is 8192")
        tok.events.append(exception_event(-int(0.2 * MS),
                                          "com.example.inference.api.ContextLengthExceededException",
                                          "prompt has 8402 tokens, model limit is 8192", JAVA_CTX_TRACE))
        codes = {"gw": 400, "inf": 422}
    else:
        wait = Node("batch.wait", "INTERNAL", inf, S_ANNOT,
                    [("batch.queue_depth", rng.randint(0, 12))] + ithread,
                    dur=int(rng.expovariate(1 / 25.0) * MS) + 2 * MS)
        inf_server.children.append(wait)
        variant = o.variant
        chat_kind = "CLIENT" if variant == "C" else "INTERNAL"
        chat = Node("chat " + MODEL, chat_kind, inf, S_GENAI,
                    genai_attrs(rng, tin, tout, finish, remote=(variant == "C"), style=o.genai_style,
                                provider=o.genai_provider, model=o.genai_model) + ithread,
                    dur=prefill_ns + decode_ns + 3 * MS, tag="chat")
        inf_server.children.append(chat)
        if variant in ("B", "C"):
            route = "/generate" if variant == "B" else "/v1/chat/completions"
            ms_server = http_server("POST " + route, route, ms, S_FASTAPI, None, port=8000,
                                    client_ip="10.12.2.%d" % (30 + o.inf), python=True)
            ms_server.tag = "ms.server"
            ms_server.children = [
                Node("prefill", "INTERNAL", ms, S_VLLM, [("vllm.num_tokens", tin)], dur=prefill_ns),
                Node("decode", "INTERNAL", ms, S_VLLM, [("vllm.num_tokens", tout)], dur=decode_ns)]
            if variant == "B":
                call = http_client("POST /generate", "model-server", 8000, "/generate", inf,
                                   S_HTTPCLIENT, ithread)
                call.tag = "inf.client"
                call.children.append(ms_server)
                chat.children.append(call)
            else:
                chat.children.append(ms_server)
        if o.error == "timeout":
            chat.children = []
            chat.leaf_dur = 30000 * MS + int(rng.uniform(1, 4) * MS)
            chat.attrs = [a for a in chat.attrs if not a[0].startswith(("gen_ai.response", "gen_ai.usage"))]
            chat.late_attrs.append(("error.type", "java.util.concurrent.TimeoutException"))
            chat.status = (2, "no KV cache blocks free after 30000 ms")
            chat.events.append(exception_event(-int(0.3 * MS), "java.util.concurrent.TimeoutException",
                                               "no KV cache blocks free after 30000 ms", JAVA_TIMEOUT_TRACE))
            codes = {"gw": 504, "inf": 504, "ms": 200}
        if o.error == "oom":
            assert variant == "B"
            chat.attrs = [a for a in chat.attrs if not a[0].startswith(("gen_ai.response", "gen_ai.usage"))]
            ms_server.children = ms_server.children[:1]
            ms_server.events.append(exception_event(-int(0.5 * MS), "torch.OutOfMemoryError",
                                                    "CUDA out of memory. Tried to allocate 2.00 GiB.",
                                                    PY_OOM_TRACE))
            ms_server.status = (2, "CUDA out of memory. Tried to allocate 2.00 GiB.")
            etype = "org.springframework.web.client.HttpServerErrorException$InternalServerError"
            chat.late_attrs.append(("error.type", etype))
            chat.status = (2, "500 Internal Server Error")
            chat.events.append(exception_event(-int(0.3 * MS), etype, "500 Internal Server Error",
                                               JAVA_HTTP500_TRACE))
            codes = {"gw": 502, "inf": 502, "ms": 500}
        if variant == "B" and chat.children:
            set_http_status(ms_server, codes["ms"], True)
            set_http_status(call, codes["ms"], False)
        elif variant == "C" and chat.children:
            set_http_status(ms_server, codes["ms"], True)
    set_http_status(inf_server, codes["inf"], True)
    set_http_status(gw_client, codes["inf"], False)
    set_http_status(gw_server, codes["gw"], True)

    if o.kafka:
        gw_server.children.append(Node(
            "send usage-events", "PRODUCER", gw, S_KAFKA,
            [("messaging.destination.name", "usage-events"),
             ("messaging.destination.partition.id", str(rng.randrange(6))),
             ("messaging.operation.name", "send"), ("messaging.operation.type", "send"),
             ("messaging.system", "kafka"), ("server.address", "kafka"), ("server.port", 9092)] + gthread,
            dur=int(rng.uniform(0.5, 3) * MS), tag="producer"))
    return gw_server


def billing_trace(rng, producer, ids, offset):
    b = RES["billing"][0]
    thread = [("thread.name", "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1")]
    part = dict(producer.attrs)["messaging.destination.partition.id"]
    root = Node("process usage-events", "CONSUMER", b, S_SPRING_KAFKA,
                [("messaging.consumer.group.name", "billing"), ("messaging.destination.name", "usage-events"),
                 ("messaging.destination.partition.id", part), ("messaging.kafka.offset", offset),
                 ("messaging.operation.name", "process"), ("messaging.operation.type", "process"),
                 ("messaging.system", "kafka")] + thread, tag="consumer")
    record = Node("UsageLedger.record", "INTERNAL", b, S_ANNOT,
                  [("code.function.name", "com.example.billing.UsageLedger.record")] + thread)
    record.children.append(Node(
        "INSERT usage_events", "CLIENT", b, S_JDBC,
        [("db.collection.name", "usage_events"), ("db.namespace", "billing"), ("db.operation.name", "INSERT"),
         ("db.query.text", "insert into usage_events (request_id, model, input_tokens, output_tokens) "
                           "values (?, ?, ?, ?)"),
         ("db.system.name", "postgresql"), ("server.address", "postgres"), ("server.port", 5432)] + thread,
        dur=int(rng.uniform(0.8, 6) * MS)))
    root.children.append(record)
    start = producer.end + int(rng.uniform(3, 400) * MS)
    spans, tags = build(root, start, ids.trace(), ids, rng)
    tags["consumer"][0].links.append((producer.trace_id, producer.span_id, SERVER_FLAGS))
    return spans


def request(rng, ids, start, o, trace_id=None):
    root = pipeline(rng, o)
    spans, tags = build(root, start, trace_id or ids.trace(), ids, rng)
    return spans, tags


def edge_server(rng, ids, start, inf=0):
    """A SERVER span whose caller had not exported yet when the dump was cut."""
    n = http_server("POST /infer", "/infer", RES["inference"][inf], S_TOMCAT, exec_thread(rng),
                    client_ip="10.12.1.20")
    n.leaf_dur = int(rng.uniform(300, 2500) * MS)
    set_http_status(n, 200, True)
    spans, _ = build(n, start, ids.trace(), ids, rng, parent_id=ids.span(), remote_root=True)
    return spans


# ---------------------------------------------------------------------------------------------
# clean/


def clean_traces(rng, ids, n, t0, spacing_ms, edge=0, errors=True):
    spans = []
    offset = 18000 + rng.randrange(1000)
    for i in range(n):
        start = t0 + i * spacing_ms * MS + int(rng.uniform(0, spacing_ms * 0.8) * MS)
        r = rng.random()
        variant = "A" if r < 0.5 else ("B" if r < 0.8 else "C")
        err = None
        if errors and i % 25 == 7:
            err = ["timeout", "oom", "context"][(i // 25) % 3]
            if err == "oom":
                variant = "B"
            if err == "timeout":  # the engine is in-process: no free KV cache blocks
                variant = "A"
        o = Opts(variant=variant, error=err, kafka=(err is None and rng.random() < 0.25),
                 gw=rng.randrange(2), inf=rng.randrange(3), ms=rng.randrange(2), auth=rng.random() < 0.5)
        s, tags = request(rng, ids, start, o)
        spans += s
        if "producer" in tags:
            offset += rng.randint(1, 9)
            spans += billing_trace(rng, tags["producer"][0], ids, offset)
    end = max(s.end for s in spans)
    for k in range(edge):
        spans += edge_server(rng, ids, end - (k + 1) * 1700 * MS, inf=k % 3)
    return spans


def gen_clean():
    d = os.path.join(HERE, "clean")
    os.makedirs(d, exist_ok=True)
    rng = random.Random("clean/pipeline")
    ids = Ids(rng)
    spans = clean_traces(rng, ids, 280, BASE_NS, 1000, edge=4)
    lines = export_lines(spans, rng)
    path = os.path.join(d, "pipeline.jsonl")
    write_jsonl(path, lines)
    with open(path, "rb") as f:
        data = f.read()
    with open(path + ".gz", "wb") as f:
        with gzip.GzipFile(filename="pipeline.jsonl", mode="wb", fileobj=f, mtime=BASE_S) as gz:
            gz.write(data)

    # pretty: three traces (one per variant) in one document, 20 minutes later
    rng = random.Random("clean/pretty")
    ids = Ids(rng)
    spans = []
    for i, v in enumerate("ABC"):
        s, _ = request(rng, ids, BASE_NS + 1200 * SEC + i * 2 * SEC,
                       Opts(variant=v, gw=i % 2, inf=i % 3, ms=i % 2, kafka=False))
        spans += s
    by_res = {}
    for s in sorted(spans, key=lambda s: (s.end, s.span_id)):
        by_res.setdefault(s.res.instance, (s.res, []))[1].append(s)
    doc = {"resourceSpans": group_resource_spans(list(by_res.values()))}
    with open(os.path.join(d, "pipeline.pretty.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    # logging-otlp: the billing service's own stdout. Consumer traces link to producer spans in
    # traces this file does not hold, which is normal for links.
    rng = random.Random("clean/logging-otlp")
    ids = Ids(rng)
    gw = RES["gateway"][0]
    out = []
    t = BASE_NS + 1500 * SEC
    for i in range(3):
        prod = Span(gw, S_KAFKA, ids.trace(), ids.span(), ids.span(), "send usage-events", 4,
                    t + i * 4 * SEC, t + i * 4 * SEC + 2 * MS,
                    [("messaging.destination.partition.id", str(i))])
        out += billing_trace(rng, prod, ids, 41230 + i * 7)
    export_at = {}
    for s in out:
        export_at.setdefault((s.end // (5 * SEC) + 1) * 5 * SEC, []).append(s)
    with open(os.path.join(d, "logging-otlp.log"), "w", encoding="utf-8", newline="\n") as f:
        for when in sorted(export_at):
            lst = sorted(export_at[when], key=lambda s: (s.end, s.span_id))
            dt = datetime.datetime.fromtimestamp(when // SEC, datetime.timezone.utc)
            stamp = dt.strftime("%b %d, %Y %I:%M:%S %p").replace(" 0", " ", 1)
            rs = group_resource_spans([(lst[0].res, lst)])[0]
            f.write("%s io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter export\n" % stamp)
            f.write("INFO: " + dumps(rs) + "\n")

    # tempo: one full trace (variant B), upper-case hex, enum names, one batch per resource
    rng = random.Random("clean/tempo")
    ids = Ids(rng)
    spans, _ = request(rng, ids, BASE_NS + 1800 * SEC, Opts(variant="B", gw=1, inf=2, ms=1))
    by_res = {}
    for s in sorted(spans, key=lambda s: (s.start, s.span_id)):
        by_res.setdefault(s.res.instance, (s.res, []))[1].append(s)
    batches = group_resource_spans(list(by_res.values()), upper=True, enum_names=True)
    for b in batches:
        del b["schemaUrl"]
        for ss in b["scopeSpans"]:
            for sp in ss["spans"]:
                sp.pop("flags", None)
    with open(os.path.join(d, "tempo.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps({"batches": batches}) + "\n")


# ---------------------------------------------------------------------------------------------
# broken/

EXPECTED = {}


def sid(s):
    return {"traceId": s.trace_id, "spanId": s.span_id, "spanName": s.name, "service": s.res.service}


def small_lines(spans, rng):
    return export_lines(spans, rng, tick_ms=1000, max_line=12, swap=0.3)


def out_broken(name, lines, expect):
    d = os.path.join(HERE, "broken")
    os.makedirs(d, exist_ok=True)
    write_jsonl(os.path.join(d, name), lines)
    EXPECTED[name] = expect


def gen_invalid_id():
    rng = random.Random("broken/invalid-id")
    ids = Ids(rng)
    t = BASE_NS + 3600 * SEC
    spans, _ = request(rng, ids, t, Opts(auth=False))
    # 1. An SDK with a broken id generator: the root's trace id is all zero.
    zero, _ = request(rng, ids, t + 4 * SEC, Opts(auth=False))
    for s in zero:
        s.trace_id = "0" * 32
    # Only the gateway SERVER span was exported under that trace id; keep the file small.
    zero = [s for s in zero if s.kind == KIND["SERVER"] and s.res.service == "gateway"]
    # 2. A tokenizer span whose span id is 6 bytes (12 hex chars), in an otherwise fine trace.
    six, tags = request(rng, ids, t + 8 * SEC, Opts(auth=False))
    tok = [s for s in six if s.name == "tokenize"][0]
    tok.span_id = tok.span_id[:12]
    # 3. A proxy truncated the parent id in traceparent to 10 hex chars; the inference SERVER span
    #    is the only span of its trace (the caller is not instrumented).
    n = http_server("POST /infer", "/infer", RES["inference"][0], S_TOMCAT, exec_thread(rng),
                    client_ip="10.12.9.4")
    n.leaf_dur = 812 * MS
    set_http_status(n, 200, True)
    ten, _ = build(n, t + 12 * SEC, ids.trace(), ids, rng, parent_id=ids.span()[:10], remote_root=True)
    all_spans = spans + zero + six + ten
    out_broken("invalid-id.jsonl", small_lines(all_spans, rng), {
        "rule": "invalid-id", "count": 3,
        "findings": [dict(sid(zero[0]), field="traceId"), dict(sid(tok), field="spanId"),
                     dict(sid(ten[0]), field="parentSpanId", parentSpanId=ten[0].parent_id)],
        "spans": len(all_spans)})


def gen_duplicate():
    rng = random.Random("broken/duplicate-span-id")
    ids = Ids(rng)
    t = BASE_NS + 3700 * SEC
    # 1. Conflict: tokenize and batch.wait got the same span id (a non-thread-safe id generator).
    a, tags = request(rng, ids, t, Opts(auth=False))
    tok = tags["tokenize"][0]
    wait = tags["batch.wait"][0]
    wait.span_id = tok.span_id
    # 2. Zipkin B3 shared span: inference SERVER reuses the gateway CLIENT's span id and parent.
    b, tags = request(rng, ids, t + 5 * SEC, Opts(auth=False))
    cli, srv = tags["gw.client"][0], tags["inf.server"][0]
    for s in b:
        if s.parent_id == srv.span_id:
            s.parent_id = cli.span_id
    srv.span_id = cli.span_id
    srv.parent_id = cli.parent_id
    # 3. A clean trace whose batch is written twice (collector retry after a timeout).
    c, _ = request(rng, ids, t + 10 * SEC, Opts(auth=False))
    lines = small_lines(a + b, rng)
    c_line = [(c[0].res, [s for s in c if s.res is c[0].res])]
    c_rest = [s for s in c if s.res is not c[0].res]
    dup_line = len(lines) + 1
    lines += [c_line, c_line] + small_lines(c_rest, rng)
    out_broken("duplicate-span-id.jsonl", lines, {
        "rule": "duplicate-span-id", "count": 1,
        "findings": [dict(sid(tok), names=["tokenize", "batch.wait"])],
        "notFindings": {"sharedClientServer": dict(sid(cli), serverSpanName=srv.name, serverService="inference"),
                        "exactDuplicateLines": [dup_line, dup_line + 1],
                        "exactDuplicateTraceId": c[0].trace_id,
                        "exactDuplicateSpans": len(c_line[0][1])},
        "spanRecords": len(a) + len(b) + len(c) + len(c_line[0][1]),
        "spansAfterMerge": len(a) + len(b) + len(c)})


def gen_negative():
    rng = random.Random("broken/negative-duration")
    ids = Ids(rng)
    t = BASE_NS + 3800 * SEC
    a, tags = request(rng, ids, t, Opts(auth=False))
    wait = tags["batch.wait"][0]
    wait.end_raw = str(wait.start - 2 * MS - 417_000)  # end before start: a clock step on the host
    b, tags = request(rng, ids, t + 6 * SEC, Opts(auth=False))
    root = tags["gw.server"][0]
    root.start_raw = "0"  # start never recorded
    out_broken("negative-duration.jsonl", small_lines(a + b, rng), {
        "rule": "negative-duration", "count": 2,
        "findings": [dict(sid(wait), startTimeUnixNano=str(wait.start), endTimeUnixNano=wait.end_raw),
                     dict(sid(root), startTimeUnixNano="0", endTimeUnixNano=str(root.end))],
        "spans": len(a) + len(b)})


def gen_orphan():
    rng = random.Random("broken/orphan-span")
    ids = Ids(rng)
    t = BASE_NS + 3900 * SEC
    a, _ = request(rng, ids, t, Opts(auth=False))
    b, tags = request(rng, ids, t + 5 * SEC, Opts(auth=False))
    # batch.wait's parent was a "scheduler.enqueue" span that was started but never ended.
    wait = tags["batch.wait"][0]
    wait.parent_id = ids.span()
    wait.flags = LOCAL_FLAGS
    out_broken("orphan-span.jsonl", small_lines(a + b, rng), {
        "rule": "orphan-span", "count": 1,
        "findings": [dict(sid(wait), parentSpanId=wait.parent_id, flags=LOCAL_FLAGS, parentLocal=True)],
        "spans": len(a) + len(b)})


def gen_trace_split():
    rng = random.Random("broken/trace-split")
    ids = Ids(rng)
    t = BASE_NS + 4000 * SEC
    spans, finds = [], []
    ok, _ = request(rng, ids, t, Opts(auth=False))
    spans += ok
    for k in range(3):
        s, tags = request(rng, ids, t + (k + 1) * 6 * SEC, Opts(auth=False, gw=k % 2, inf=k % 3))
        cli, srv = tags["gw.client"][0], tags["inf.server"][0]
        new_trace = ids.trace()
        # the inference subtree moves to a new trace; its SERVER span becomes a root
        sub = {srv.span_id}
        for x in s:
            if x.parent_id in sub:
                sub.add(x.span_id)
        for x in s:
            if x.span_id in sub:
                x.trace_id = new_trace
        srv.parent_id = None
        srv.flags = LOCAL_FLAGS
        spans += s
        finds.append({"client": sid(cli), "server": sid(srv),
                      "serverStartOffsetNs": srv.start - cli.start})
    out_broken("trace-split.jsonl", small_lines(spans, rng), {
        "rule": "trace-split", "count": 3, "findings": finds, "spans": len(spans)})


def gen_context_lost():
    rng = random.Random("broken/context-lost")
    ids = Ids(rng)
    t = BASE_NS + 4100 * SEC
    spans, finds = [], []
    lost_at = (13, 29)
    for k in range(42):
        lost = k in lost_at
        o = Opts(auth=False, inf=0, gw=k % 2, inf_thread=1 if lost else None)
        s, tags = request(rng, ids, t + k * 1500 * MS + int(rng.uniform(0, 900) * MS), o)
        if lost:
            srv, wait = tags["inf.server"][0], tags["batch.wait"][0]
            wait.trace_id = ids.trace()
            wait.parent_id = None
            wait.attrs = [a for a in wait.attrs if not a[0].startswith("thread.")] + \
                [("thread.name", "pool-2-thread-3")]
            finds.append({"span": sid(wait), "server": sid(srv),
                          "startOffsetNs": wait.start - srv.start})
        spans += s
    out_broken("context-lost.jsonl", export_lines(spans, rng, tick_ms=5000, max_line=120), {
        "rule": "context-lost", "count": 2, "findings": finds,
        "batchWaitAsChildOfPostInfer": 40, "batchWaitTotal": 42, "spans": len(spans)})


def gen_clock_skew():
    rng = random.Random("broken/clock-skew")
    ids = Ids(rng)
    t = BASE_NS + 4200 * SEC
    ok, _ = request(rng, ids, t, Opts(auth=False, variant="B"))
    s, tags = request(rng, ids, t + 7 * SEC, Opts(auth=False, variant="B", ms=1))
    cli, srv = tags["inf.client"][0], tags["ms.server"][0]
    shift = (srv.start - cli.start) + 40 * MS
    for x in s:
        if x.res.service == "model-server":
            x.start -= shift
            x.end -= shift
            x.events = [(et - shift, n, a) for et, n, a in x.events]
    pd, cd = cli.end - cli.start, srv.end - srv.start
    delta = cli.start + (pd - cd) // 2 - srv.start
    out_broken("clock-skew.jsonl", small_lines(ok + s, rng), {
        "rule": "clock-skew", "count": 1,
        "findings": [{"child": sid(srv), "parent": sid(cli), "childStartsBeforeParentNs": cli.start - srv.start,
                      "jaegerSkewDeltaNs": delta}],
        "spans": len(ok) + len(s)})


def gen_multiple_roots():
    rng = random.Random("broken/multiple-roots")
    ids = Ids(rng)
    t = BASE_NS + 4300 * SEC
    ok, _ = request(rng, ids, t, Opts(auth=False))
    shared = ids.trace()
    first, tags1 = request(rng, ids, t + 5 * SEC, Opts(auth=False, gw=0, error="timeout"), trace_id=shared)
    # the client gave up after 30 s and retried with the same X-Request-Id
    retry_start = max(x.end for x in first) + 180 * MS
    second, tags2 = request(rng, ids, retry_start, Opts(auth=False, gw=1), trace_id=shared)
    out_broken("multiple-roots.jsonl", small_lines(ok + first + second, rng), {
        "rule": "multiple-roots", "count": 1,
        "findings": [{"traceId": shared, "roots": [sid(tags1["gw.server"][0]), sid(tags2["gw.server"][0])]}],
        "spans": len(ok) + len(first) + len(second)})


def gen_ai_attrs():
    rng = random.Random("broken/missing-ai-attributes")
    ids = Ids(rng)
    t = BASE_NS + 4400 * SEC
    spans, finds = [], []
    for k in range(3):
        s, tags = request(rng, ids, t + k * 5 * SEC,
                          Opts(auth=False, variant="A", genai_provider=False, genai_model=False, inf=k))
        spans += s
        finds.append(dict(sid(tags["chat"][0]), missing=["gen_ai.provider.name", "gen_ai.request.model"]))
    out_broken("missing-ai-attributes.jsonl", small_lines(spans, rng), {
        "rule": "missing-ai-attributes", "count": 3, "findings": finds, "spans": len(spans)})

    rng = random.Random("broken/deprecated-ai-attributes")
    ids = Ids(rng)
    t = BASE_NS + 4500 * SEC
    spans, finds = [], []
    for k in range(3):
        s, tags = request(rng, ids, t + k * 5 * SEC,
                          Opts(auth=False, variant="A" if k != 1 else "C", genai_style="deprecated", inf=k))
        spans += s
        finds.append(dict(sid(tags["chat"][0]), deprecated=["gen_ai.system", "gen_ai.usage.completion_tokens",
                                                             "gen_ai.usage.prompt_tokens"]))
    out_broken("deprecated-ai-attributes.jsonl", small_lines(spans, rng), {
        "rule": "deprecated-ai-attributes", "count": 3, "findings": finds, "spans": len(spans),
        "note": "no gen_ai.provider.name: the deprecated gen_ai.system stands in for it, so "
                "missing-ai-attributes should not fire"})


def gen_bad_records():
    rng = random.Random("broken/bad-records")
    ids = Ids(rng)
    t = BASE_NS + 4600 * SEC
    a, _ = request(rng, ids, t, Opts(auth=False))
    b, _ = request(rng, ids, t + 4 * SEC, Opts(auth=False))
    c, _ = request(rng, ids, t + 8 * SEC, Opts(auth=False))
    lost, _ = request(rng, ids, t + 2 * SEC, Opts(auth=False))
    health = Node("GET /health", "SERVER", RES["gateway"][0], S_TOMCAT,
                  [("http.request.method", "GET"), ("http.route", "/health"), ("url.path", "/health"),
                   ("url.scheme", "http"), ("server.address", "gateway"), ("server.port", 8080)],
                  dur=int(1.7 * MS))
    set_http_status(health, 200, True)
    hs, _ = build(health, t + 6 * SEC, ids.trace(), ids, rng)
    hs[0].start_raw = "abc"

    def line(spans):
        by = {}
        for s in spans:
            by.setdefault(s.res.instance, (s.res, []))[1].append(s)
        return dumps({"resourceSpans": group_resource_spans(list(by.values()))})

    # a is split over lines 1 and 2, b and c over lines 4, 7 and 8; lines 3, 5, 6 stand alone.
    half = lambda xs: ([s for s in xs if s.res.service != "gateway"], [s for s in xs if s.res.service == "gateway"])
    a1, a2 = half(a)
    b1, b2 = half(b)
    c1, c2 = half(c)
    trunc = line(lost)
    trunc = trunc[: int(len(trunc) * 0.58)]
    garbage = bytes(rng.randrange(256) for _ in range(700)).replace(b"\n", b"\xff").replace(b"\r", b"\xfe")
    garbage = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + garbage  # a gzip member pasted into the file
    rows = [line(a1), line(a2), trunc, line(b1), None, line(hs), line(c1), line(b2 + c2)]
    d = os.path.join(HERE, "broken")
    with open(os.path.join(d, "bad-records.jsonl"), "wb") as f:
        for r in rows:
            f.write((garbage if r is None else r.encode("utf-8")) + b"\n")
    EXPECTED["bad-records.jsonl"] = {
        "rule": None, "badLines": [3, 5, 6], "lines": len(rows),
        "validSpans": len(a) + len(b) + len(c), "spanWithBadStart": sid(hs[0]),
        "lostTraceId": lost[0].trace_id,
        "note": "line 6 holds a single span, so skipping that record or that span loses the same span"}


# ---------------------------------------------------------------------------------------------
# metrics/


def go_g(x):
    """Go's %g (shortest repr; exponent form when exp < -4 or exp >= max(precision, 6))."""
    if x == 0:
        return "0"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    sign = "-" if x < 0 else ""
    d = Decimal(repr(abs(float(x)))).normalize()
    digits = "".join(map(str, d.as_tuple().digits))
    exp10 = d.adjusted()
    nd = len(digits)
    dp = exp10 + 1
    eprec = 6
    if eprec > nd and nd >= dp:
        eprec = nd
    if exp10 < -4 or exp10 >= eprec:
        mant = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return "%s%se%s%02d" % (sign, mant, "-" if exp10 < 0 else "+", abs(exp10))
    if dp <= 0:
        return sign + "0." + "0" * (-dp) + digits
    if dp >= nd:
        return sign + digits + "0" * (dp - nd)
    return sign + digits[:dp] + "." + digits[dp:]


def go_f(x):
    """Go's strconv.FormatFloat(x, 'f', -1, 64), as the Prometheus HTTP API writes sample values."""
    if float(x) == 0:
        return "0"
    return format(Decimal(repr(float(x))).normalize(), "f")


def java_double(x):
    """Java's Double.toString, as the Prometheus Java client writes sample values."""
    x = float(x)
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0.0"
    if 1e-3 <= abs(x) < 1e7:
        r = format(Decimal(repr(x)).normalize(), "f")
        return r if "." in r else r + ".0"
    d = Decimal(repr(abs(x))).normalize()
    digits = "".join(map(str, d.as_tuple().digits))
    mant = digits[0] + "." + (digits[1:] or "0")
    return ("-" if x < 0 else "") + mant + "E" + str(d.adjusted())


BUCKETS = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]
JVM_AREAS = [("heap", "G1 Eden Space"), ("heap", "G1 Old Gen"), ("heap", "G1 Survivor Space"),
             ("nonheap", "Compressed Class Space"), ("nonheap", "Metaspace")]


class InferenceMetrics:
    """A small simulation of the inference service, sampled every 15 s for 30 minutes."""

    def __init__(self):
        rng = random.Random("metrics")
        self.rng = rng
        self.steps = 121
        self.start = BASE_S
        self.process_start = BASE_S - 3 * 3600 - 417.312
        self.samples = []
        req = {"200": 11843, "500": 37}
        hist = {code: [0] * len(BUCKETS) for code in req}
        hsum = {code: 0.0 for code in req}
        hcount = {code: 0 for code in req}
        total_model = 11880
        old = 1.61e9
        nonheap = {"Compressed Class Space": 1.47e7, "Metaspace": 1.242e8}
        # seed the histogram with what the process served before the window
        for code, n in req.items():
            for _ in range(n):
                self._observe(hist[code], code, rng)
            hsum[code] = sum(self._lat(code, rng) for _ in range(n))
            hcount[code] = n
        for step in range(self.steps):
            ts = self.start + step * 15
            n200 = rng.randint(55, 95)
            n500 = 1 if rng.random() < 0.12 else 0
            for code, n in (("200", n200), ("500", n500)):
                for _ in range(n):
                    lat = self._lat(code, rng)
                    self._observe(hist[code], code, rng, lat)
                    hsum[code] += lat
                hcount[code] += n
            total_model += n200 + n500
            eden = rng.randint(40, 190) * 1024 * 1024 * 4
            old += rng.uniform(-2e6, 6e6)
            surv = rng.choice([0, 8388608, 16777216])
            mem = {"G1 Eden Space": eden, "G1 Old Gen": int(old), "G1 Survivor Space": surv}
            for k, v in nonheap.items():
                mem[k] = int(v + step * rng.uniform(0, 2000))
            self.samples.append({
                "ts": ts, "hist": {c: list(h) for c, h in hist.items()}, "sum": dict(hsum),
                "count": dict(hcount), "model_total": total_model, "mem": mem,
                "kv": round(min(0.97, max(0.05, 0.42 + 0.3 * math.sin(step / 9.0) + rng.uniform(-0.05, 0.05))), 4),
                "max": {c: max(0.0, self._lat(c, rng) * 2.2) for c in req},
            })

    def _lat(self, code, rng):
        if code == "500":
            return rng.uniform(0.02, 0.4)
        return rng.lognormvariate(math.log(1.6), 0.6)

    def _observe(self, h, code, rng, lat=None):
        lat = self._lat(code, rng) if lat is None else lat
        for i, b in enumerate(BUCKETS):
            if lat <= b:
                h[i] += 1

    def series(self, s, job_labels):
        """[(name, labels, value)] for one sample, labels as list of (k, v)."""
        out = []
        hist_base = [("method", "POST"), ("outcome", None), ("status", None), ("uri", "/infer")]
        for code in ("200", "500"):
            base = [(k, (code if k == "status" else ("SUCCESS" if code == "200" else "SERVER_ERROR"))
                     if v is None else v) for k, v in hist_base]
            for i, b in enumerate(BUCKETS):
                out.append(("http_server_requests_seconds_bucket", base + [("le", repr(b))], s["hist"][code][i]))
            out.append(("http_server_requests_seconds_bucket", base + [("le", "+Inf")], s["count"][code]))
            out.append(("http_server_requests_seconds_count", base, s["count"][code]))
            out.append(("http_server_requests_seconds_sum", base, round(s["sum"][code], 6)))
        for code in ("200", "500"):
            base = [(k, (code if k == "status" else ("SUCCESS" if code == "200" else "SERVER_ERROR"))
                     if v is None else v) for k, v in hist_base]
            out.append(("http_server_requests_seconds_max", base, round(s["max"][code], 6)))
        out.append(("inference_requests_total", [("model", MODEL)], s["model_total"]))
        for area, mid in JVM_AREAS:
            out.append(("jvm_memory_used_bytes", [("area", area), ("id", mid)], s["mem"][mid]))
        out.append(("process_start_time_seconds", [], self.process_start))
        out.append(("vllm:kv_cache_usage_perc", [("engine", "0"), ("model_name", MODEL)], s["kv"]))
        return [(n, l + job_labels, v) for n, l, v in out]


def prom_labels(labels, sep=","):
    if not labels:
        return ""
    return "{" + sep.join('%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"')) for k, v in labels) + "}"


def gen_metrics():
    d = os.path.join(HERE, "metrics")
    os.makedirs(d, exist_ok=True)
    m = InferenceMetrics()
    last = m.samples[-1]

    # Prometheus text format 0.0.4 as a Micrometer registry serves /actuator/prometheus
    help_ = {
        "http_server_requests_seconds": ("histogram", ""),
        "http_server_requests_seconds_max": ("gauge", ""),
        "inference_requests_total": ("counter", "Inference requests served, by model"),
        "jvm_memory_used_bytes": ("gauge", "The amount of used memory"),
        "process_start_time_seconds": ("gauge", "Start time of the process since unix epoch."),
        "vllm:kv_cache_usage_perc": ("gauge", "KV-cache usage. 1 means 100 percent usage."),
    }
    fam = {}
    for name, labels, v in m.series(last, []):
        base = name
        for suf in ("_bucket", "_count", "_sum"):
            if name.startswith("http_server_requests_seconds") and name.endswith(suf):
                base = "http_server_requests_seconds"
        fam.setdefault(base, []).append((name, labels, v))
    with open(os.path.join(d, "inference.prom"), "w", encoding="utf-8", newline="\n") as f:
        for base in ["process_start_time_seconds", "jvm_memory_used_bytes", "http_server_requests_seconds",
                     "http_server_requests_seconds_max", "inference_requests_total", "vllm:kv_cache_usage_perc"]:
            typ, hlp = help_[base]
            if hlp:
                f.write("# HELP %s %s\n" % (base, hlp))
            f.write("# TYPE %s %s\n" % (base, typ))
            for name, labels, v in fam[base]:
                f.write("%s%s %s\n" % (name, prom_labels(labels), java_double(v)))

    # promtool tsdb dump-openmetrics: series sorted by labels, samples "%g %.3f", then # EOF
    job = [("instance", "inference-0:8080"), ("job", "inference")]
    series = {}
    for s in m.samples:
        for name, labels, v in m.series(s, job):
            key = tuple(sorted([("__name__", name)] + labels))
            series.setdefault(key, []).append((s["ts"], v))
    series[tuple(sorted([("__name__", "up")] + job))] = [(s["ts"], 1) for s in m.samples]
    with open(os.path.join(d, "inference.om.txt"), "w", encoding="utf-8", newline="\n") as f:
        for key in sorted(series):
            labels = [kv for kv in key if kv[0] != "__name__"]
            name = dict(key)["__name__"]
            lab = prom_labels(labels)
            for ts, v in series[key]:
                f.write("%s%s %s %.3f\n" % (name, lab, go_g(v), ts))
        f.write("# EOF\n")

    # promtool tsdb dump: "{__name__=..., ...} value millis", labels with ", "
    with open(os.path.join(d, "promtool-dump.txt"), "w", encoding="utf-8", newline="\n") as f:
        for key in sorted(series):
            if dict(key)["__name__"] not in ("up", "inference_requests_total", "vllm:kv_cache_usage_perc"):
                continue
            lab = prom_labels(list(key), ", ")
            for ts, v in series[key]:
                f.write("%s %s %d\n" % (lab, go_g(v), ts * 1000))

    # /api/v1/query_range?query=jvm_memory_used_bytes&start=...&end=...&step=15s
    result = []
    for key in sorted(series):
        if dict(key)["__name__"] != "jvm_memory_used_bytes":
            continue
        result.append({"metric": dict(key), "values": [[ts, go_f(v)] for ts, v in series[key]]})
    with open(os.path.join(d, "query_range.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}) + "\n")


def main():
    gen_clean()
    gen_invalid_id()
    gen_duplicate()
    gen_negative()
    gen_orphan()
    gen_trace_split()
    gen_context_lost()
    gen_clock_skew()
    gen_multiple_roots()
    gen_ai_attrs()
    gen_bad_records()
    with open(os.path.join(HERE, "broken", "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(EXPECTED, indent=2, sort_keys=True) + "\n")
    gen_metrics()


if __name__ == "__main__":
    main()
