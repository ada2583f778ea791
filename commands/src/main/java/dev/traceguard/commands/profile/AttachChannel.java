package dev.traceguard.commands.profile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Requests to a HotSpot JVM's attach listener over its UNIX socket ({@code /tmp/.java_pidN}), in
 * the listener's protocol version 1 as {@code jcmd} speaks it: the protocol version, the command
 * and three arguments, each ended by a zero byte; the answer is a status line and the command's
 * output. Every JDK from 8 on accepts it. The socket exists once the JVM's attach listener runs;
 * {@link JvmConnection#attach} starts it when it does not. Each request opens its own connection,
 * as the listener closes it after answering. No agent, no management server: the JVM runs the
 * diagnostic command and answers, as for {@code jcmd PID Thread.print}.
 */
final class AttachChannel {
  /** The most output read from one command; more is cut (a JVM with a huge thread dump). */
  private static final int MAX_OUTPUT = 64 << 20;

  private final long pid;
  private final Path socket;

  private AttachChannel(long pid, Path socket) {
    this.pid = pid;
    this.socket = socket;
  }

  /**
   * The attach socket of {@code pid} as seen from here (through {@code /proc/PID/root} when the JVM
   * runs in another mount namespace), or null when the JVM has not started its attach listener.
   */
  static Path socket(long pid, long nsPid) {
    for (Path p : new Path[] {
        ProcFs.dir(pid).resolve("root/tmp/.java_pid" + nsPid), Path.of("/tmp/.java_pid" + pid)}) {
      if (Files.exists(p)) {
        return p;
      }
    }
    return null;
  }

  /** A channel to {@code pid}'s attach socket, or null when there is none (yet). */
  static AttachChannel of(long pid, long nsPid) {
    Path s = socket(pid, nsPid);
    return s == null ? null : new AttachChannel(pid, s);
  }

  long pid() {
    return pid;
  }

  /** The JVM's system properties (the listener's {@code properties} command). */
  Properties properties() throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(execute("properties")));
    return p;
  }

  /** Runs a diagnostic command, e.g. {@code Thread.print}, and returns what it printed. */
  String jcmd(String commandLine) throws IOException {
    return execute("jcmd", commandLine);
  }

  /**
   * Sends one request and reads the whole answer. Blocks while the JVM does not answer: callers
   * bound it ({@link JvmConnection#bounded}); an interrupt closes the channel.
   *
   * @throws IOException when the JVM answers with an error status (its message included)
   */
  String execute(String command, String... args) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    field(request, "1");
    field(request, command);
    for (int i = 0; i < 3; i++) {
      field(request, i < args.length ? args[i] : "");
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer b = ByteBuffer.wrap(request.toByteArray());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      InputStream in = Channels.newInputStream(ch);
      StringBuilder status = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("the JVM closed the attach connection without answering '" + command + "'");
        }
        if (status.length() > 16) {
          throw new IOException("the JVM answered '" + command + "' in an unknown attach protocol");
        }
        status.append((char) c);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 << 10];
      for (int n = in.read(buf); n >= 0 && out.size() < MAX_OUTPUT; n = in.read(buf)) {
        out.write(buf, 0, n);
      }
      String text = out.toString(StandardCharsets.UTF_8);
      int code;
      try {
        code = Integer.parseInt(status.toString().trim());
      } catch (NumberFormatException e) {
        throw new IOException("the JVM answered '" + command + "' with status '" + status + "', not a number");
      }
      if (code != 0) {
        String first = text.strip();
        int nl = first.indexOf('\n');
        throw new IOException("the JVM refused '" + command + (args.length > 0 ? " " + args[0] : "") + "' (status "
            + code + (first.isEmpty() ? "" : ": " + (nl < 0 ? first : first.substring(0, nl))) + ")");
      }
      return text;
    }
  }

  private static void field(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
    out.write(0);
  }
}
