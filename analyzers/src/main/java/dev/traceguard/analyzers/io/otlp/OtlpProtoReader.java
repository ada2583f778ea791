package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.traceguard.analyzers.io.FormatReader;
import dev.traceguard.analyzers.io.ReadContext;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdInputStream;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the collector file exporter's {@code format: proto}: a sequence of messages, each a 4-byte
 * big-endian length followed by a {@code TracesData}, {@code MetricsData} or {@code LogsData}
 * (export requests have the same layout). A file should hold one type, but the type is decided for
 * every message from its structure, since all three keep their resource list in field 1.
 *
 * <p>The input is read one message at a time; memory is bounded by the largest message. Message
 * {@code n} (1-based) is the {@code line} of every record read from it, and errors name the byte
 * offset of its length prefix. A message that cannot be decoded is skipped; a length over the limit
 * or past the end of the input ends reading, keeping every message before it, since the framing
 * cannot be trusted after that.
 *
 * <p>With the exporter's {@code compression: zstd} every message is an independent zstd frame;
 * each is decompressed on its own (up to the same size limit) and may hold protobuf or, for
 * {@code format: json} with compression, OTLP/JSON.
 */
public final class OtlpProtoReader implements FormatReader {
  /** Default largest message accepted: the collector's own gRPC limits are far below this. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 << 20;

  /** After this many undecodable messages in a row the stream is taken as not framed OTLP. */
  private static final int MAX_BAD_IN_A_ROW = 3;

  /** How many spans, metrics or log records the type sniffing looks at per message. */
  private static final int SNIFF_ITEMS = 8;

  private static final JsonFactory JSON = new JsonFactory();

  private final int maxMessageBytes;

  /** A reader that accepts messages up to {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
  public OtlpProtoReader() {
    this(DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** A reader that accepts messages up to {@code maxMessageBytes}. */
  public OtlpProtoReader(int maxMessageBytes) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes must be positive");
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  /** What one message holds. */
  enum Kind {
    TRACES,
    METRICS,
    LOGS,
    /** No spans, metrics or log records: nothing to map. */
    EMPTY
  }

  @Override
  public void read(InputStream in, ReadContext ctx) throws IOException {
    ctx.summary().format("otlp-proto");
    OtlpProtoMapper mapper = new OtlpProtoMapper(ctx);
    byte[] header = new byte[4];
    byte[] buf = new byte[0];
    long offset = 0;
    long index = 0;
    int badInARow = 0;
    Kind previous = null;
    while (true) {
      int got = readUpTo(in, header, 0, 4);
      if (got == 0) {
        return;
      }
      index++;
      if (got < 4) {
        error(ctx, offset, "message %d: the input ends inside its 4-byte length prefix", index);
        return;
      }
      long len =
          (header[0] & 0xffL) << 24
              | (header[1] & 0xff) << 16
              | (header[2] & 0xff) << 8
              | (header[3] & 0xff);
      if (len > maxMessageBytes) {
        error(
            ctx,
            offset,
            "message %d: its length prefix says %d bytes, over the limit of %d; the input is not"
                + " length-prefixed OTLP protobuf from here on, reading stops",
            index,
            len,
            maxMessageBytes);
        return;
      }
      if (buf.length < len) {
        buf = new byte[0];
      }
      // Grow with the bytes that actually arrive, so a bogus length on a short input does not
      // allocate the whole claimed size.
      int have = 0;
      while (have < len) {
        if (have == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(len, Math.max(64 * 1024L, buf.length * 2L)));
        }
        int n = in.read(buf, have, (int) Math.min(buf.length, len) - have);
        if (n < 0) {
          error(
              ctx,
              offset,
              "message %d is truncated: its length prefix says %d bytes but only %d follow;"
                  + " earlier messages are kept",
              index,
              len,
              have);
          return;
        }
        have += n;
      }
      mapper.position(index, offset);
      Kind kind = decode(buf, have, index, offset, previous, mapper, ctx, maxMessageBytes);
      if (kind != null) {
        badInARow = 0;
        previous = kind == Kind.EMPTY ? previous : kind;
      } else if (++badInARow >= MAX_BAD_IN_A_ROW) {
        error(
            ctx,
            offset + 4 + len,
            "%d messages in a row could not be decoded; the input is not length-prefixed OTLP"
                + " protobuf, reading stops",
            MAX_BAD_IN_A_ROW);
        return;
      }
      offset += 4 + len;
    }
  }

  /** Reports a message-level error at a byte offset; binary input has no lines. */
  private static void error(ReadContext ctx, long offset, String format, Object... args) {
    ctx.error(0, 0, offset, String.format(Locale.ROOT, format, args));
  }

  /**
   * Decodes and maps one message.
   *
   * @return what it held ({@link Kind#EMPTY} when it held nothing of a known type), or null (with
   *     an error reported) when it could not be decoded
   */
  private static Kind decode(
      byte[] buf,
      int len,
      long index,
      long offset,
      Kind previous,
      OtlpProtoMapper mapper,
      ReadContext ctx,
      int maxMessageBytes) {
    if (len == 0) {
      return Kind.EMPTY;
    }
    if (len >= 4
        && (buf[0] & 0xff) == 0x28
        && (buf[1] & 0xff) == 0xb5
        && (buf[2] & 0xff) == 0x2f
        && (buf[3] & 0xff) == 0xfd) {
      // The file exporter's 'compression: zstd' compresses every message on its own.
      byte[] plain;
      try {
        plain = unzstd(buf, len, maxMessageBytes);
      } catch (IOException | MalformedInputException e) {
        error(ctx, offset, "message %d is a corrupt zstd frame: %s; skipped", index, e.getMessage());
        return null;
      }
      if (plain == null) {
        error(ctx, offset, "message %d decompresses to more than %d bytes; skipped", index, maxMessageBytes);
        return null;
      }
      if (plain.length >= 4 && (plain[0] & 0xff) == 0x28 && (plain[1] & 0xff) == 0xb5) {
        error(ctx, offset, "message %d is zstd inside zstd; skipped", index);
        return null;
      }
      ctx.summary().format("otlp-proto+zstd");
      return decode(plain, plain.length, index, offset, previous, mapper, ctx, maxMessageBytes);
    }
    if (buf[0] == '{') {
      return decodeJson(buf, len, index, offset, mapper, ctx) ? Kind.EMPTY : null;
    }
    try {
      Kind kind = sniff(buf, len, previous);
      CodedInputStream cis = CodedInputStream.newInstance(buf, 0, len);
      switch (kind) {
        case TRACES:
          mapper.traces(TracesData.parseFrom(cis));
          break;
        case METRICS:
          mapper.metrics(MetricsData.parseFrom(cis));
          break;
        case LOGS:
          mapper.logs(LogsData.parseFrom(cis));
          break;
        default:
          break;
      }
      return kind;
    } catch (IOException e) {
      error(
          ctx,
          offset,
          "message %d (%d bytes) is not a valid OTLP protobuf message: %s",
          index,
          len,
          e.getMessage());
      return null;
    }
  }

  /** Decompresses one zstd frame; null when it holds more than {@code max} bytes. */
  private static byte[] unzstd(byte[] buf, int len, int max) throws IOException {
    try (InputStream z = new ZstdInputStream(new ByteArrayInputStream(buf, 0, len))) {
      byte[] out = new byte[Math.min(max, Math.max(1024, len * 4))];
      int n = 0;
      while (true) {
        if (n == out.length) {
          if (out.length == max) {
            return z.read() < 0 ? out : null;
          }
          out = Arrays.copyOf(out, (int) Math.min(max, out.length * 2L));
        }
        int r = z.read(out, n, out.length - n);
        if (r < 0) {
          return Arrays.copyOf(out, n);
        }
        n += r;
      }
    }
  }

  /**
   * A frame holding OTLP/JSON, as the file exporter writes for {@code format: json} with framing.
   */
  private static boolean decodeJson(
      byte[] buf, int len, long index, long offset, OtlpProtoMapper mapper, ReadContext ctx) {
    try (JsonParser p = JSON.createParser(buf, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      if (OtlpJsonToProto.readDocument(p, mapper, index, ctx::note) == 0) {
        throw new IOException("no resourceSpans, resourceMetrics or resourceLogs");
      }
      ctx.note("some messages hold OTLP/JSON instead of protobuf; read as JSON");
      return true;
    } catch (IOException e) {
      String why =
          e instanceof JsonProcessingException
              ? ((JsonProcessingException) e).getOriginalMessage()
              : e.getMessage();
      error(ctx, offset, "message %d holds JSON that is not OTLP/JSON: %s", index, why);
      return false;
    }
  }

  // ---------------------------------------------------------------- type sniffing

  // Field tables of Span, Metric and LogRecord (opentelemetry-proto trace.proto, metrics.proto,
  // logs.proto): the wire type of each field number, written "number:type" with L =
  // length-delimited, V = varint, F = fixed64, I = fixed32. Index = field number, NONE = no field.
  private static final int NONE = -1;
  private static final int[] SPAN =
      wires("1:L 2:L 3:L 4:L 5:L 6:V 7:F 8:F 9:L 10:V 11:L 12:V 13:L 14:V 15:L 16:I");
  private static final int[] METRIC = wires("1:L 2:L 3:L 5:L 7:L 9:L 10:L 11:L 12:L");
  private static final int[] LOG = wires("1:F 2:V 3:L 5:L 6:L 7:V 8:I 9:L 10:L 11:F 12:L");

  private static int[] wires(String spec) {
    int[] t = new int[17];
    Arrays.fill(t, NONE);
    for (String entry : spec.split(" ")) {
      int colon = entry.indexOf(':');
      int field = Integer.parseInt(entry.substring(0, colon));
      switch (entry.charAt(colon + 1)) {
        case 'L':
          t[field] = WireFormat.WIRETYPE_LENGTH_DELIMITED;
          break;
        case 'V':
          t[field] = WireFormat.WIRETYPE_VARINT;
          break;
        case 'F':
          t[field] = WireFormat.WIRETYPE_FIXED64;
          break;
        default:
          t[field] = WireFormat.WIRETYPE_FIXED32;
          break;
      }
    }
    return t;
  }

  /**
   * Decides what a message holds by walking down to its first few items (the elements of field 2 of
   * field 2 of field 1: spans, metrics or log records) and scoring their fields against the field
   * tables. A field whose wire type contradicts a type rules that type out; matching fields count
   * for it, and so do the telling ones: printable text in field 1 (a metric name), 16 opaque bytes
   * there (a trace id), fixed64 start and end times (a span), 16 and 8 bytes in fields 9 and 10 (a
   * log record's ids). A tie goes to the previous message's kind, as a file holds one type.
   *
   * @throws IOException when the structure is not protobuf or fits none of the three
   */
  static Kind sniff(byte[] buf, int len, Kind previous) throws IOException {
    int[] score = new int[3];
    int[] items = {0};
    CodedInputStream in = CodedInputStream.newInstance(buf, 0, len);
    while (!in.isAtEnd() && items[0] < SNIFF_ITEMS) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) == 1
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        walk(in, 2, () -> walk(in, 2, () -> item(in, score, items)));
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    if (items[0] == 0) {
      return Kind.EMPTY;
    }
    Kind best = null;
    for (Kind k : new Kind[] {Kind.TRACES, Kind.METRICS, Kind.LOGS}) {
      int s = score[k.ordinal()];
      if (best == null
          || s > score[best.ordinal()]
          || s == score[best.ordinal()] && k == previous) {
        best = k;
      }
    }
    if (score[best.ordinal()] < 0) {
      throw new IOException("its items fit neither a span, a metric nor a log record");
    }
    return best;
  }

  /** Something that reads the current length-delimited field's content. */
  private interface Body {
    void read() throws IOException;
  }

  /** Reads fields until the limit; for each length-delimited field {@code field}, runs body. */
  private static void walk(CodedInputStream in, int field, Body body) throws IOException {
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) == field
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        body.read();
        // Whatever the body did not read is skipped.
        in.skipRawBytes(in.getBytesUntilLimit());
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  private static void item(CodedInputStream in, int[] score, int[] items) throws IOException {
    if (items[0] >= SNIFF_ITEMS) {
      return;
    }
    items[0]++;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      vote(score, Kind.TRACES, SPAN, field, wire);
      vote(score, Kind.METRICS, METRIC, field, wire);
      vote(score, Kind.LOGS, LOG, field, wire);
      if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        // Start and end times are what nearly every span has and no metric field looks like.
        if ((field == 7 || field == 8) && wire == WireFormat.WIRETYPE_FIXED64) {
          score[Kind.TRACES.ordinal()] += 3;
        }
        if (!in.skipField(tag)) {
          return;
        }
        continue;
      }
      if (field == 1) {
        // Field 1 is a metric's name (text) or a span's trace id (16 random bytes, which are
        // hardly ever printable text).
        ByteString b = in.readBytes();
        if (isText(b)) {
          score[Kind.METRICS.ordinal()] += 3;
        } else if (b.size() == 16) {
          score[Kind.TRACES.ordinal()] += 3;
        }
        continue;
      }
      int size = in.readRawVarint32();
      in.skipRawBytes(size);
      if (field == 2 && size == 8) {
        score[Kind.TRACES.ordinal()] += 1;
      }
      if (field == 9 && size == 16 || field == 10 && size == 8) {
        score[Kind.LOGS.ordinal()] += 2;
      }
    }
  }

  /** Valid UTF-8 without control characters. */
  private static boolean isText(ByteString b) {
    if (b.isEmpty() || !b.isValidUtf8()) {
      return false;
    }
    for (int i = 0; i < b.size(); i++) {
      int c = b.byteAt(i) & 0xff;
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static void vote(int[] score, Kind kind, int[] table, int field, int wire) {
    if (field < table.length && table[field] != NONE) {
      score[kind.ordinal()] += table[field] == wire ? 1 : -100;
    }
  }

  /** Reads until {@code len} bytes are in or the input ends; returns how many were read. */
  private static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
    int have = 0;
    while (have < len) {
      int n = in.read(b, off + have, len - have);
      if (n < 0) {
        break;
      }
      have += n;
    }
    return have;
  }
}
