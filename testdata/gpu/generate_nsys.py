#!/usr/bin/env python3
"""Writes the Nsight Systems sample exports in testdata/gpu/ (deterministic; run from anywhere).

The SQLite files follow the schema `nsys export --type sqlite` documents (StringIds,
CUPTI_ACTIVITY_KIND_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY, CUPTI_ACTIVITY_KIND_RUNTIME, NVTX_EVENTS,
ENUM_CUDA_MEMCPY_OPER; columns as listed below, times in ns since the session start). They are
written here, not captured on a GPU: each one shapes one pattern for the `gpu` analyzer.
The CSV files follow `nsys stats --format csv` (reports cuda_gpu_kern_sum and cuda_gpu_trace).
"""
import csv
import os
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))

SCHEMA = """
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ENUM_CUDA_MEMCPY_OPER (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (
  start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  demangledName INTEGER NOT NULL REFERENCES StringIds(id), shortName INTEGER NOT NULL REFERENCES StringIds(id),
  mangledName INTEGER REFERENCES StringIds(id), launchType INTEGER, cacheConfig INTEGER,
  registersPerThread INTEGER NOT NULL, gridX INTEGER NOT NULL, gridY INTEGER NOT NULL, gridZ INTEGER NOT NULL,
  blockX INTEGER NOT NULL, blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL, dynamicSharedMemory INTEGER NOT NULL, localMemoryPerThread INTEGER NOT NULL,
  localMemoryTotal INTEGER NOT NULL, gridId INTEGER NOT NULL, sharedMemoryExecuted INTEGER,
  graphNodeId INTEGER, sharedMemoryLimitConfig INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (
  start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, bytes INTEGER NOT NULL,
  copyKind INTEGER NOT NULL, deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER, srcDeviceId INTEGER,
  srcContextId INTEGER, dstDeviceId INTEGER, dstContextId INTEGER, migrationCause INTEGER,
  graphNodeId INTEGER, virtualAddress INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (
  start INTEGER NOT NULL, end INTEGER NOT NULL, eventClass INTEGER NOT NULL, globalTid INTEGER,
  correlationId INTEGER, nameId INTEGER NOT NULL REFERENCES StringIds(id), returnValue INTEGER NOT NULL,
  callchainId INTEGER);
CREATE TABLE NVTX_EVENTS (
  start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER, category INTEGER,
  color INTEGER, text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER REFERENCES StringIds(id),
  domainId INTEGER, uint64Value INTEGER, int64Value INTEGER, doubleValue REAL, uint32Value INTEGER,
  int32Value INTEGER, floatValue REAL, jsonTextId INTEGER, jsonText TEXT);
"""

PID = 4711 << 24  # globalPid/globalTid encode the pid in the high bits
T0 = 1_000_000_000  # session start offset: 1 s


class Export:
    def __init__(self, name):
        self.path = os.path.join(HERE, name)
        if os.path.exists(self.path):
            os.remove(self.path)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)
        self.db.executemany("INSERT INTO ENUM_CUDA_MEMCPY_OPER VALUES (?, ?, ?)", [
            (1, "CUDA_MEMCPY_OPER_HTOD", "Host-to-Device"), (2, "CUDA_MEMCPY_OPER_DTOH", "Device-to-Host"),
            (8, "CUDA_MEMCPY_OPER_DTOD", "Device-to-Device")])
        self.strings = {}
        self.corr = 100

    def sid(self, s):
        if s not in self.strings:
            self.strings[s] = len(self.strings) + 1
            self.db.execute("INSERT INTO StringIds VALUES (?, ?)", (self.strings[s], s))
        return self.strings[s]

    def kernel(self, start, dur, stream, name, tid=1, launch=4_000):
        self.corr += 1
        sid = self.sid(name)
        self.db.execute(
            "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (T0 + start, T0 + start + dur, 0, 1, stream, self.corr, PID, sid, sid, None, 0, 0, 32, 128, 1, 1,
             256, 1, 1, 0, 0, 0, 0, self.corr, 0, None, 0))
        if launch:
            self.db.execute("INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (?,?,?,?,?,?,?,?)",
                            (T0 + start - launch - 1_000, T0 + start - 1_000, 1, PID + tid, self.corr,
                             self.sid("cudaLaunchKernel_v7000"), 0, None))

    def memcpy(self, start, dur, stream, nbytes, kind=1):
        self.corr += 1
        self.db.execute(
            "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (T0 + start, T0 + start + dur, 0, 1, stream, self.corr, PID, nbytes, kind, None, 0, 1, 0, 0, 0, 1,
             0, None, None))

    def nvtx(self, start, dur, text, tid):
        self.db.execute("INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId, domainId)"
                        " VALUES (?,?,?,?,?,?,?)", (T0 + start, T0 + start + dur, 59, None, PID + tid,
                                                    self.sid(text), 0))

    def close(self):
        self.db.commit()
        self.db.execute("VACUUM")
        self.db.close()


US = 1_000


def clean():
    """Two compute streams kept busy back to back, copies overlapped on their own stream."""
    e = Export("clean.sqlite")
    t = 0
    for i in range(400):
        e.kernel(t, 300 * US, 13 + i % 2, "gemm_bf16_128x128" if i % 2 else "flash_attn_fwd", tid=1)
        if i % 10 == 0:
            e.memcpy(t + 50 * US, 100 * US, 15, 8 << 20)
            e.nvtx(t, 3_000 * US, "request", 1 + (i // 10) % 2)
        t += 305 * US
    e.close()


def idle_gaps():
    """Kernels in pairs, then 600 µs with the device idle while the host tokenizes."""
    e = Export("idle-gaps.sqlite")
    t = 0
    for i in range(60):
        e.kernel(t, 150 * US, 13, "decode_step")
        e.kernel(t + 155 * US, 150 * US, 14, "sample_topk")
        e.nvtx(t + 305 * US, 600 * US, "tokenize", 1)
        t += 905 * US
    e.close()


def launch_bound():
    """2000 kernels of about 2 µs, each launched by a 4.5 µs cudaLaunchKernel call."""
    e = Export("launch-bound.sqlite")
    t = 0
    for i in range(2000):
        e.kernel(t, 2 * US, 13 + i % 2, "elementwise_add" if i % 3 else "bias_relu", launch=4_500)
        t += 5 * US
    e.close()


def stream_serialization():
    """Everything on stream 7: kernels and host-to-device copies, while two request threads overlap."""
    e = Export("stream-serialization.sqlite")
    t = 0
    for i in range(200):
        e.kernel(t, 250 * US, 7, "transformer_block")
        t += 252 * US
        if i % 2 == 0:
            e.memcpy(t, 120 * US, 7, 16 << 20)
            t += 122 * US
        if i % 20 == 0:
            e.nvtx(t, 6_000 * US, "request", 101)
            e.nvtx(t + 2_000 * US, 6_000 * US, "request", 102)
    e.close()


def kern_sum_csv():
    """nsys stats --report cuda_gpu_kern_sum --format csv, as printed with its preamble lines."""
    rows = [
        ("elementwise_add", 6000, 1_900), ("bias_relu", 4000, 2_100), ("layernorm_small", 3000, 3_200),
        ("gemm_bf16_128x128", 200, 800_000),
    ]
    total = sum(n * med for _, n, med in rows)
    with open(os.path.join(HERE, "kern-sum-launch-bound.csv"), "w", newline="") as f:
        f.write("Generating SQLite file report.sqlite from report.nsys-rep\n")
        f.write("Processing [report.sqlite] with [/opt/nvidia/nsight-systems/reports/cuda_gpu_kern_sum.py]... \n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Time (%)", "Total Time (ns)", "Instances", "Avg (ns)", "Med (ns)", "Min (ns)", "Max (ns)",
                    "StdDev (ns)", "Name"])
        for name, n, med in sorted(rows, key=lambda r: -r[1] * r[2]):
            w.writerow([f"{100.0 * n * med / total:.1f}", n * med, n, f"{med:.1f}", f"{med:.1f}", med - 200,
                        med + 900, "120.5", name])
        f.write("\n")


def trace_csv():
    """nsys stats --report cuda_gpu_trace --format csv: busy device, two streams, one copy stream."""
    with open(os.path.join(HERE, "trace-clean.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Start (ns)", "Duration (ns)", "CorrId", "GrdX", "GrdY", "GrdZ", "BlkX", "BlkY", "BlkZ",
                    "Reg/Trd", "StcSMem (MB)", "DymSMem (MB)", "Bytes (MB)", "Throughput (MB/s)", "SrcMemKd",
                    "DstMemKd", "Device", "Ctx", "GreenCtx", "Strm", "Name"])
        t = T0
        corr = 10
        for i in range(300):
            corr += 1
            w.writerow([t, 400 * US, corr, 128, 1, 1, 256, 1, 1, 64, "0.000", "0.049", "", "", "", "",
                        "NVIDIA H100 80GB HBM3 (0)", 1, "", 13 + i % 2,
                        "void gemm_kernel<float, 128, 128>(const float *, float *, int)"])
            if i % 10 == 0:
                corr += 1
                w.writerow([t + 10 * US, 80 * US, corr, "", "", "", "", "", "", "", "", "", "8.389", "104862.5",
                            "Pinned", "Device", "NVIDIA H100 80GB HBM3 (0)", 1, "", 15, "[CUDA memcpy Host-to-Device]"])
            t += 402 * US


def big(path, kernels):
    """A large export for bench/nsys-read-bench.sh: kernels on 4 streams, a copy and a range per 100."""
    e = Export(path)
    t = 0
    for i in range(kernels):
        e.kernel(t, 40 * US, 13 + i % 4, ("gemm", "attn", "norm", "rope")[i % 4], tid=1 + i % 8)
        if i % 100 == 0:
            e.memcpy(t, 30 * US, 20, 1 << 20)
            e.nvtx(t, 4_000 * US, "request", 1 + (i // 100) % 8)
        t += 11 * US
    e.close()


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 4 and sys.argv[1] == "--big":
        big(os.path.abspath(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    clean()
    idle_gaps()
    launch_bound()
    stream_serialization()
    kern_sum_csv()
    trace_csv()
