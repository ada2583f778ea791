#!/usr/bin/env python3
"""Checks the sample dumps under testdata/ against the stories generate.py tells.

    python3 testdata/check_clean.py

clean/   every file, alone and all together, must pass every check below.
broken/  every file must parse (except the deliberately bad lines of bad-records.jsonl) and must
         fail exactly the checks that stand for its own rule.

The checks are a plain restatement of the context rules, written independently of the Java code:
  ids          trace id 32 hex, span/parent id 16 hex, not all zero, lower case (not in Tempo output)
  encoding     kind an int (enum name in Tempo output), times decimal strings, flags 257/769
  unique       (traceId, spanId) unique; a CLIENT/SERVER pair sharing an id (B3) and byte-identical
               duplicates (collector retries) are allowed
  duration     0 < start < end
  parent       every parent id names a span of the same trace, except a lone SERVER span whose
               remote parent (flags 769) is outside the dump
  inside       children start and end inside their parent with at least 1 ms to spare
  roots        exactly one root per trace
  hop          every CLIENT span whose server.address is a service in the dump has a SERVER child
  lost         no parentless INTERNAL / CLIENT / PRODUCER span
  genai        chat spans carry operation, provider, request/response model and usage
  deprecated   no deprecated gen_ai attribute names
  links        a CONSUMER root links to a PRODUCER span
  resource     service.name, service.version, service.instance.id, host.name on every resource
  errors       an exception event has exception.type, exception.message, exception.stacktrace
"""

import gzip
import json
import os
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
HEX = re.compile(r"^[0-9a-fA-F]*$")
KINDS = {"SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3,
         "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5}
MS = 10**6
DEPRECATED = {"gen_ai.system", "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
              "gen_ai.prompt", "gen_ai.completion"}
GENAI_REQUIRED = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model"]
GENAI_RECOMMENDED = ["gen_ai.response.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"]


def value(v):
    (k, x), = v.items()
    if k == "intValue":
        return int(x)
    if k == "arrayValue":
        return [value(e) for e in x.get("values", [])]
    return x


def attrs(lst):
    return {a["key"]: value(a["value"]) for a in lst or []}


class Rec:
    def __init__(self, raw, res, where):
        self.raw = raw
        self.res = res
        self.where = where
        self.key_json = json.dumps([res, raw], sort_keys=True)
        self.trace = raw.get("traceId", "").lower()
        self.span = raw.get("spanId", "").lower()
        self.parent = raw.get("parentSpanId", "").lower()
        self.kind = raw.get("kind")
        self.kind = KINDS.get(self.kind, self.kind)
        self.name = raw.get("name")
        self.attrs = attrs(raw.get("attributes"))
        self.service = res.get("service.name")
        try:
            self.start = int(raw.get("startTimeUnixNano"))
            self.end = int(raw.get("endTimeUnixNano"))
        except (TypeError, ValueError):
            self.start = self.end = None


def resource_spans(obj):
    if "resourceSpans" in obj:
        return obj["resourceSpans"]
    if "batches" in obj:
        return obj["batches"]
    if "scopeSpans" in obj:
        return [obj]
    raise ValueError("not OTLP traces: keys %s" % sorted(obj))


def load(path, skip_lines=()):
    """Returns (records, problems)."""
    problems = []
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    docs = []
    text_lines = data.split(b"\n")
    if path.endswith(".pretty.json") or path.endswith("tempo.json"):
        docs.append((1, json.loads(data.decode("utf-8"))))
    else:
        for i, line in enumerate(text_lines, 1):
            if not line.strip() or i in skip_lines:
                continue
            s = line.decode("utf-8")
            if "{" not in s:
                continue  # a log header line
            docs.append((i, json.loads(s[s.index("{"):])))
    recs = []
    for line_no, doc in docs:
        for rs in resource_spans(doc):
            res = attrs(rs.get("resource", {}).get("attributes"))
            for k in ("service.name", "service.version", "service.instance.id", "host.name"):
                if not res.get(k):
                    problems.append(("resource", "%s:%d resource lacks %s" % (path, line_no, k)))
            for ss in rs.get("scopeSpans", []):
                for sp in ss.get("spans", []):
                    recs.append(Rec(sp, res, "%s:%d" % (os.path.relpath(path, HERE), line_no)))
    return recs, problems


def check(recs, tempo=False):
    p = []

    def bad(check_name, r, msg):
        p.append((check_name, "%s %s/%s %r: %s" % (r.where, r.trace, r.span, r.name, msg)))

    # exact duplicates are one span delivered twice
    seen, uniq = set(), []
    for r in recs:
        if r.key_json not in seen:
            seen.add(r.key_json)
            uniq.append(r)
    recs = uniq

    for r in recs:
        raw = r.raw
        for field, n in (("traceId", 32), ("spanId", 16), ("parentSpanId", 16)):
            v = raw.get(field)
            if v is None and field == "parentSpanId":
                continue
            if not isinstance(v, str) or len(v) != n or not HEX.match(v) or int(v, 16) == 0:
                bad("ids", r, "%s %r" % (field, v))
            elif not tempo and v != v.lower():
                bad("ids", r, "%s not lower case" % field)
        if tempo:
            if not isinstance(raw.get("kind"), str):
                bad("encoding", r, "kind %r" % raw.get("kind"))
        else:
            if not isinstance(raw.get("kind"), int):
                bad("encoding", r, "kind %r" % raw.get("kind"))
            if raw.get("flags") not in (257, 769):
                bad("encoding", r, "flags %r" % raw.get("flags"))
        for f in ("startTimeUnixNano", "endTimeUnixNano"):
            if not isinstance(raw.get(f), str):
                bad("encoding", r, "%s not a string" % f)
        if r.start is None or not (0 < r.start < r.end):
            bad("duration", r, "start %r end %r" % (raw.get("startTimeUnixNano"), raw.get("endTimeUnixNano")))
        for ev in raw.get("events", []):
            if ev.get("name") == "exception":
                a = attrs(ev.get("attributes"))
                for k in ("exception.type", "exception.message", "exception.stacktrace"):
                    if not a.get(k):
                        bad("errors", r, "exception event lacks " + k)
        if any(k in DEPRECATED for k in r.attrs):
            bad("deprecated", r, sorted(k for k in r.attrs if k in DEPRECATED))
        if r.name.startswith("chat ") or "gen_ai.operation.name" in r.attrs:
            missing = [k for k in GENAI_REQUIRED if k not in r.attrs]
            if r.raw.get("status", {}).get("code") != 2:
                rec = GENAI_RECOMMENDED
                if r.attrs.get("gen_ai.operation.name") == "embeddings":  # no output tokens
                    rec = [k for k in rec if k != "gen_ai.usage.output_tokens"]
                missing += [k for k in rec if k not in r.attrs]
            if missing:
                bad("genai", r, "lacks %s" % missing)

    by_trace = defaultdict(list)
    by_key = defaultdict(list)
    services = {r.service for r in recs}
    for r in recs:
        by_trace[r.trace].append(r)
        by_key[(r.trace, r.span)].append(r)
    for key, lst in by_key.items():
        if len(lst) > 1:
            kinds = sorted(x.kind for x in lst)
            if not (len(lst) == 2 and kinds == [2, 3]):
                bad("unique", lst[0], "%d spans share the id: %s" % (len(lst), [x.name for x in lst]))

    def parent_of(r):
        lst = by_key.get((r.trace, r.parent), [])
        if len(lst) == 2:  # B3 shared id: the child belongs to the side in its own service
            same = [x for x in lst if x.service == r.service]
            return same[0] if same else lst[0]
        return lst[0] if lst else None

    children = defaultdict(list)
    for r in recs:
        if r.parent:
            par = parent_of(r)
            if par is None:
                lone = len(by_trace[r.trace]) == 1 and r.kind == 2 and (tempo or r.raw.get("flags") == 769)
                if not lone:
                    bad("parent", r, "parent %s not in trace" % r.parent)
                continue
            if par is not r:
                children[id(par)].append(r)
            if r.start is not None and par.start is not None and par.start < par.end and r.start < r.end \
                    and not (par.kind == 3 and r.kind == 2 and par.span == r.span):
                if r.start - par.start < MS or par.end - r.end < MS:
                    bad("inside", r, "not inside parent %r with 1 ms margin (start %+.3f ms, end %+.3f ms)"
                        % (par.name, (r.start - par.start) / MS, (par.end - r.end) / MS))
            if not tempo:
                want = 769 if (par.service != r.service) else 257
                if r.raw.get("flags") != want:
                    bad("encoding", r, "flags %r, want %d" % (r.raw.get("flags"), want))
        elif not tempo and r.raw.get("flags") != 257:
            bad("encoding", r, "root with flags %r" % r.raw.get("flags"))

    for t, lst in by_trace.items():
        roots = [r for r in lst if not r.parent or (len(lst) == 1)]
        if len(roots) != 1:
            bad("roots", lst[0], "trace has %d roots: %s" % (len(roots), [(x.service, x.name) for x in roots]))
        for r in lst:
            if not r.parent and r.kind in (1, 3, 4):
                bad("lost", r, "parentless kind %d" % r.kind)
            if not r.parent and r.kind == 5:
                links = r.raw.get("links", [])
                if not links:
                    bad("links", r, "consumer root without a link")
                for ln in links:
                    target = by_key.get((ln["traceId"].lower(), ln["spanId"].lower()))
                    if target and target[0].kind != 4:
                        bad("links", r, "link target is not a PRODUCER")
            if r.kind == 3 and r.attrs.get("server.address") in services:
                kids = [c for c in children.get(id(r), []) if c.kind == 2]
                shared = [x for x in by_key[(r.trace, r.span)] if x.kind == 2]
                if not kids and not shared:
                    bad("hop", r, "CLIENT to %s has no SERVER child" % r.attrs["server.address"])
    return p, len(recs)


def main():
    failures = 0
    clean_dir = os.path.join(HERE, "clean")
    every = []
    for name in sorted(os.listdir(clean_dir)):
        path = os.path.join(clean_dir, name)
        recs, probs = load(path)
        p, n = check(recs, tempo=name == "tempo.json")
        p += probs
        every += [] if name == "tempo.json" else recs
        print("clean/%-24s %5d spans  %s" % (name, n, "ok" if not p else "%d problems" % len(p)))
        for c, m in p[:20]:
            print("   ", c, m)
        failures += len(p)
    p, n = check(every)
    print("clean/ (all but tempo.json together) %d spans  %s" % (n, "ok" if not p else "%d problems" % len(p)))
    failures += len(p)

    with open(os.path.join(clean_dir, "pipeline.jsonl"), "rb") as a, \
            gzip.open(os.path.join(clean_dir, "pipeline.jsonl.gz"), "rb") as b:
        if a.read() != b.read():
            print("pipeline.jsonl.gz differs from pipeline.jsonl")
            failures += 1

    expect_checks = {
        "invalid-id.jsonl": {"ids"},
        "duplicate-span-id.jsonl": {"unique"},
        "negative-duration.jsonl": {"duration"},
        "orphan-span.jsonl": {"parent"},
        "trace-split.jsonl": {"hop"},
        "context-lost.jsonl": {"lost"},
        "clock-skew.jsonl": {"inside"},
        "multiple-roots.jsonl": {"roots"},
        "missing-ai-attributes.jsonl": {"genai"},
        "deprecated-ai-attributes.jsonl": {"deprecated", "genai"},
        "bad-records.jsonl": {"duration"},
    }
    # Side effects the stories cannot avoid, which a rule-by-rule analysis should not report:
    #   invalid-id: the 10-char parent id cannot resolve ("parent").
    #   deprecated-ai-attributes: "genai" here only because this checker does not treat
    #   gen_ai.system / prompt_tokens as stand-ins for the new names.
    tolerated = {"invalid-id.jsonl": {"parent"}}
    broken_dir = os.path.join(HERE, "broken")
    expected = json.load(open(os.path.join(broken_dir, "expected.json")))
    for name in sorted(os.listdir(broken_dir)):
        if not name.endswith(".jsonl"):
            continue
        skip = (3, 5) if name == "bad-records.jsonl" else ()
        recs, probs = load(os.path.join(broken_dir, name), skip)
        p, n = check(recs)
        p += probs
        got = {c for c, _ in p}
        want = expect_checks[name]
        ok = got - tolerated.get(name, set()) == want
        if name == "bad-records.jsonl":
            ok = ok and all(r.start is not None or r.raw.get("startTimeUnixNano") == "abc" for r in recs)
            for ln in skip:
                raw = open(os.path.join(broken_dir, name), "rb").read().split(b"\n")[ln - 1]
                try:
                    json.loads(raw.decode("utf-8"))
                    ok = False
                    print("   line %d of bad-records.jsonl parses" % ln)
                except (ValueError, UnicodeDecodeError):
                    pass
        if name not in expected:
            ok = False
        print("broken/%-31s %5d spans  fails %s  %s" % (name, n, sorted(got), "ok" if ok else "UNEXPECTED"))
        if not ok:
            for c, m in p[:30]:
                print("   ", c, m)
            failures += 1
    if failures:
        print("FAILED")
        sys.exit(1)
    print("all ok")


if __name__ == "__main__":
    main()
