package dev.traceguard.analyzers.oom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Out-of-memory messages: the JVM's own words (from a real JVM), PyTorch's, CUDA's. */
class OomMessageTest {
  /** A program that runs out of direct memory, heap and array size, printing each error. */
  private static final String PROGRAM = String.join("\n",
      "import java.nio.ByteBuffer; import java.util.*;",
      "public class Oom { public static void main(String[] a) {",
      "  try { List<ByteBuffer> l = new ArrayList<>(); for (int i = 0; i < 100; i++) l.add(ByteBuffer.allocateDirect(1 << 20)); }",
      "  catch (OutOfMemoryError e) { System.out.println(e); }",
      "  try { long[][] x = new long[1000][]; for (int i = 0; i < 1000; i++) x[i] = new long[1 << 20]; }",
      "  catch (OutOfMemoryError e) { System.out.println(e); }",
      "  try { int[] x = new int[Integer.MAX_VALUE]; System.out.println(x.length); }",
      "  catch (OutOfMemoryError e) { System.out.println(e); }",
      "}}");

  @Test
  void realJvmMessages(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("Oom.java");
    Files.writeString(src, PROGRAM, StandardCharsets.UTF_8);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-XX:MaxDirectMemorySize=4m", "-Xmx64m", src.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).hasSize(3);

    OomMessage direct = OomMessage.parse(null, lines.get(0));
    assertThat(direct.memory()).isEqualTo(Memory.JVM_NATIVE);
    assertThat(direct.kind()).isEqualTo("Direct buffer memory");
    assertThat(direct.limit()).isEqualTo(4 * 1024 * 1024);
    assertThat(direct.requested()).isEqualTo(1024 * 1024);

    OomMessage heap = OomMessage.parse(null, lines.get(1));
    assertThat(heap.memory()).isEqualTo(Memory.JVM_HEAP);
    assertThat(heap.kind()).isEqualTo("Java heap space");

    OomMessage array = OomMessage.parse(null, lines.get(2));
    assertThat(array.memory()).isEqualTo(Memory.JVM_HEAP);
    assertThat(array.kind()).isEqualTo("Requested array size exceeds VM limit");
  }

  @Test
  void otherJvmKindsByExceptionAttributes() {
    assertThat(OomMessage.parse("java.lang.OutOfMemoryError", "Metaspace").memory()).isEqualTo(Memory.JVM_NATIVE);
    assertThat(OomMessage.parse("java.lang.OutOfMemoryError", "Compressed class space").kind())
        .isEqualTo("Compressed class space");
    OomMessage threads = OomMessage.parse("java.lang.OutOfMemoryError",
        "unable to create native thread: possibly out of memory or process/resource limits reached");
    assertThat(threads.memory()).isEqualTo(Memory.JVM_NATIVE);
    assertThat(threads.kind()).isEqualTo("unable to create native thread");
    assertThat(OomMessage.parse("java.lang.OutOfMemoryError", "Direct buffer memory").kind())
        .isEqualTo("Direct buffer memory");
    assertThat(OomMessage.parse(null, "java.lang.OutOfMemoryError: GC overhead limit exceeded").memory())
        .isEqualTo(Memory.JVM_HEAP);
  }

  @Test
  void cudaMessages() {
    OomMessage m = OomMessage.parse("torch.OutOfMemoryError", "CUDA out of memory. Tried to allocate 512.00 MiB. GPU 0"
        + " has a total capacity of 23.64 GiB of which 100.81 MiB is free. Of the allocated memory 21.50 GiB is"
        + " allocated by PyTorch, and 1.20 GiB is reserved by PyTorch but unallocated.");
    assertThat(m.memory()).isEqualTo(Memory.GPU);
    assertThat(m.kind()).isEqualTo("CUDA out of memory");
    assertThat(m.requested()).isEqualTo(512.0 * 1024 * 1024);
    assertThat(m.limit()).isEqualTo(23.64 * 1024 * 1024 * 1024);
    assertThat(m.reservedUnallocated()).isEqualTo(1.2 * 1024 * 1024 * 1024);
    OomMessage raw = OomMessage.parse(null, "cudaMalloc failed: cudaErrorMemoryAllocation (2): out of memory");
    assertThat(raw.kind()).isEqualTo("cudaErrorMemoryAllocation");
    assertThat(raw.requested()).isNaN();
    OomMessage startup = OomMessage.parse("ValueError", "No available memory for the cache blocks. Try increasing"
        + " `gpu_memory_utilization` when initializing the engine.");
    assertThat(startup.memory()).isEqualTo(Memory.GPU);
    assertThat(startup.kind()).isEqualTo("No available memory for the cache blocks");
  }

  @Test
  void notOutOfMemory() {
    assertThat(OomMessage.parse(null, "started with -XX:+HeapDumpOnOutOfMemoryError -Xmx4g")).isNull();
    assertThat(OomMessage.parse("java.lang.IllegalStateException", "memory pool closed")).isNull();
    assertThat(OomMessage.parse(null, "invalid JSON input at offset 12")).isNull();
  }
}
