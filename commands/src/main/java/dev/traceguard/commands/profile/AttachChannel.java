package dev.traceguard.commands.profile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

  /** A channel to an explicit socket path (tests). */
  static AttachChannel at(long pid, Path socket) {
    return new AttachChannel(pid, socket);
  }

  /** Whether requests go through the JDK's own attach socket calls rather than NIO. */
  static boolean nativeSocketAvailable() {
    return NativeSocket.AVAILABLE;
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
   * bound it ({@link JvmConnection#bounded}, a daemon thread given up on at the limit); an interrupt
   * closes an NIO channel.
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
    try (Connection c = connect()) {
      c.write(request.toByteArray());
      InputStream in = c.in();
      StringBuilder status = new StringBuilder();
      for (int c1 = in.read(); c1 != '\n'; c1 = in.read()) {
        if (c1 < 0) {
          throw new IOException("the JVM closed the attach connection without answering '" + command + "'");
        }
        if (status.length() > 16) {
          throw new IOException("the JVM answered '" + command + "' in an unknown attach protocol");
        }
        status.append((char) c1);
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

  /** One connection to the socket: the JDK's own attach calls where open to us, else an NIO channel. */
  private Connection connect() throws IOException {
    if (NativeSocket.AVAILABLE && !Boolean.getBoolean("traceguard.attach.nio")) {
      return new NativeSocket(socket.toString());
    }
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    InputStream in = Channels.newInputStream(ch);
    return new Connection() {
      @Override
      public void write(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }

      @Override
      public InputStream in() {
        return in;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  private interface Connection extends AutoCloseable {
    void write(byte[] b) throws IOException;

    InputStream in();

    @Override
    void close() throws IOException;
  }

  /**
   * The socket calls of the JDK's attach implementation ({@code sun.tools.attach.VirtualMachineImpl}
   * in libattach, what {@code jcmd} itself uses), reached by reflection where the jar's manifest
   * opens that package ({@code Add-Opens}). A cold NIO UNIX socket costs a short-lived JVM tens of
   * milliseconds before the first byte (its selector provider lookup and a SecureRandom seeded for
   * socket names); these are a few system calls. Elsewhere (tests, embedding) NIO is used.
   */
  private static final class NativeSocket extends InputStream implements Connection {
    static final boolean AVAILABLE;
    // Method handles rather than reflection: a Method invoked often enough is compiled to a
    // generated accessor class on the spot, and its first calls here are a cold start's.
    private static final MethodHandle SOCKET;
    private static final MethodHandle CONNECT;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle CLOSE;

    static {
      MethodHandle[] m = new MethodHandle[5];
      boolean ok = false;
      try {
        Class<?> c = Class.forName("sun.tools.attach.VirtualMachineImpl");
        MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        MethodType io = MethodType.methodType(int.class, int.class, byte[].class, int.class, int.class);
        m[0] = l.findStatic(c, "socket", MethodType.methodType(int.class));
        m[1] = l.findStatic(c, "connect", MethodType.methodType(void.class, int.class, String.class));
        m[2] = l.findStatic(c, "read", io);
        m[3] = l.findStatic(c, "write", io.changeReturnType(void.class));
        m[4] = l.findStatic(c, "close", MethodType.methodType(void.class, int.class));
        ok = true;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // Not opened to us (no Add-Opens), or another JDK's attach implementation: NIO it is.
      }
      AVAILABLE = ok;
      SOCKET = m[0];
      CONNECT = m[1];
      READ = m[2];
      WRITE = m[3];
      CLOSE = m[4];
    }

    private final int fd;
    private final InputStream buffered = new BufferedInputStream(this, 64 << 10);
    private boolean closed;

    NativeSocket(String path) throws IOException {
      fd = call(() -> (int) SOCKET.invokeExact());
      try {
        call(() -> {
          CONNECT.invokeExact(fd, path);
          return null;
        });
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    /** A call of the JDK's socket functions; what they throw other than I/O is wrapped in an IOException. */
    private interface Native<T> {
      T call() throws Throwable;
    }

    private static <T> T call(Native<T> c) throws IOException {
      try {
        return c.call();
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IOException(e.toString(), e);
      }
    }

    @Override
    public void write(byte[] b) throws IOException {
      call(() -> {
        WRITE.invokeExact(fd, b, 0, b.length);
        return null;
      });
    }

    @Override
    public InputStream in() {
      return buffered;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = call(() -> (int) READ.invokeExact(fd, b, off, len));
      return n <= 0 ? -1 : n;
    }

    @Override
    public synchronized void close() throws IOException {
      if (!closed) {
        closed = true;
        call(() -> {
          CLOSE.invokeExact(fd);
          return null;
        });
      }
    }
  }

  private static void field(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
    out.write(0);
  }
}
