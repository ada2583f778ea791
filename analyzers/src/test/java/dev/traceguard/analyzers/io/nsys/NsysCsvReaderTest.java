package dev.traceguard.analyzers.io.nsys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.traceguard.analyzers.io.DumpReader;
import dev.traceguard.analyzers.model.GpuActivityStore;
import dev.traceguard.analyzers.model.GpuActivityStore.Kind;
import dev.traceguard.analyzers.model.GpuActivityStore.KernelSummary;
import dev.traceguard.analyzers.model.InputSummary;
import dev.traceguard.analyzers.model.ReadError;
import dev.traceguard.analyzers.model.Telemetry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NsysCsvReaderTest {
  static InputSummary read(String text, Telemetry t) {
    return DumpReader.read("stats.csv", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), t, null);
  }

  @Test
  void kernelSummaryAfterPreamble() {
    String csv = "Processing [report.sqlite] with [/opt/nsys/reports/cuda_gpu_kern_sum.py]... \n"
        + "\"Time (%)\",\"Total Time (ns)\",\"Instances\",\"Avg (ns)\",\"Med (ns)\",\"Min (ns)\",\"Max (ns)\","
        + "\"StdDev (ns)\",\"Name\"\n"
        + "91.2,800000,200,4000.0,3900.0,3000,9000,12.5,\"void gemm<float, 128>(const float *, int)\"\n"
        + "8.8,7700,4000,1.9,1.9,1,5,0.1,elementwise_add\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(csv, t);
    assertThat(s.format()).isEqualTo("nsys-csv");
    assertThat(s.skipped()).isZero();
    assertThat(t.gpu().summaries()).containsExactly(
        new KernelSummary("void gemm<float, 128>(const float *, int)", 200, 800000, 3900, 3000, 9000, 0),
        new KernelSummary("elementwise_add", 4000, 7700, 2, 1, 5, 0));
  }

  @Test
  void gpuTraceWithUnitsCopiesAndDevices() {
    String csv = "Start (us),Duration (us),CorrId,Bytes (MB),Device,Ctx,Strm,Name\n"
        + "1000.5,20.25,11,,NVIDIA H100 80GB HBM3 (1),1,13,\"kern, with comma\"\n"
        + "1030,5,12,8.389,NVIDIA H100 80GB HBM3 (1),1,15,[CUDA memcpy Host-to-Device]\n"
        + "1040,1,13,1.0,2,1,15,[CUDA memset]\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(csv, t);
    assertThat(s.skipped()).isZero();
    GpuActivityStore g = t.gpu();
    assertThat(g.size()).isEqualTo(3);
    assertThat(g.kind(0)).isEqualTo(Kind.KERNEL);
    assertThat(g.name(0)).isEqualTo("kern, with comma");
    assertThat(g.start(0)).isEqualTo(1_000_500);
    assertThat(g.end(0)).isEqualTo(1_020_750);
    assertThat(g.device(0)).isEqualTo(1);
    assertThat(g.stream(0)).isEqualTo(13);
    assertThat(g.correlationId(0)).isEqualTo(11);
    assertThat(g.kind(1)).isEqualTo(Kind.MEMCPY);
    assertThat(g.bytes(1)).isEqualTo(8_389_000);
    assertThat(g.kind(2)).isEqualTo(Kind.MEMSET);
    assertThat(g.device(2)).isEqualTo(2);
  }

  @Test
  void badRowsNameLineAndColumnAndTheRestIsRead() {
    String csv = "Start (ns),Duration (ns),CorrId,Device,Strm,Name\n"
        + "100,50,1,0,7,a\n"
        + "200,abc,2,0,7,b\n"
        + "300,-5,3,0,7,c\n"
        + "400,50,4,0,7,d\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(csv, t);
    assertThat(t.gpu().size()).isEqualTo(2);
    assertThat(s.skipped()).isEqualTo(2);
    assertThat(s.errors().get(0).line()).isEqualTo(3);
    assertThat(s.errors().get(0).message()).isEqualTo("column 'Duration': expected a number, found 'abc'");
    assertThat(s.errors().get(1).line()).isEqualTo(4);
  }

  @Test
  void otherReportsArePassedOverAndSeveralTablesRead() {
    String csv = "Time (%),Total Time (ns),Num Calls,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name\n"
        + "50.0,1000,10,100,100,90,110,5,cudaLaunchKernel\n"
        + "\n"
        + "Time (%),Total Time (ns),Instances,Avg (ns),Med (ns),Min (ns),Max (ns),StdDev (ns),Name\n"
        + "100.0,1000,10,100,100,90,110,5,k\n";
    Telemetry t = new Telemetry();
    InputSummary s = read(csv, t);
    assertThat(s.skipped()).isZero();
    assertThat(t.gpu().summaries()).extracting(KernelSummary::name).containsExactly("k");
  }

  @Test
  void sniffingAndNoKnownTable() throws java.io.IOException {
    assertThat(NsysCsvReader.looksLikeNsysCsv("Start (ns),Duration (ns),Name\n")).isTrue();
    assertThat(NsysCsvReader.looksLikeNsysCsv("Time (%),Total Time (ns),Instances,Name\n")).isTrue();
    assertThat(NsysCsvReader.looksLikeNsysCsv("# HELP up whether the target is up\nup 1\n")).isFalse();
    assertThat(NsysCsvReader.looksLikeNsysCsv("Time (%),Total Time (ns),Num Calls,Name\n")).isFalse();
    Telemetry t = new Telemetry();
    t.addInput("other.csv");
    new NsysCsvReader().read(new ByteArrayInputStream("a,b,Name\n1,2,3\n".getBytes(StandardCharsets.UTF_8)),
        new dev.traceguard.analyzers.io.ReadContext(t, 0));
    assertThat(t.inputs().get(0).errors()).singleElement().extracting(ReadError::message).asString()
        .startsWith("no nsys stats table found");
  }

  @Test
  void hugeLinesAreSkippedNotBuffered() {
    StringBuilder sb = new StringBuilder("Start (ns),Duration (ns),Device,Strm,Name\n100,5,0,7,");
    sb.append("x".repeat(NsysCsvReader.MAX_LINE + 10)).append('\n').append("200,5,0,7,ok\n");
    Telemetry t = new Telemetry();
    InputSummary s = read(sb.toString(), t);
    assertThat(t.gpu().size()).isEqualTo(1);
    assertThat(s.errors()).extracting(ReadError::line).containsExactly(2L);
  }
}
