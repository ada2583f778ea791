package dev.traceguard.analyzers.io.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.traceguard.analyzers.model.Ids;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes OTLP protobuf messages as OTLP/JSON, driven by the descriptors: lowerCamelCase keys,
 * enums as numbers, 64-bit integers as decimal strings, {@code traceId}, {@code spanId} and {@code
 * parentSpanId} as lower-case hex (whatever their length), other bytes as base64, non-finite
 * doubles as {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, fields at their default
 * omitted unless they have presence. {@link OtlpJsonToProto} reads the result back to an equal
 * message.
 */
public final class OtlpJsonWriter {
  private OtlpJsonWriter() {}

  /** Writes {@code m} as one JSON object. */
  public static void write(Message m, JsonGenerator g) throws IOException {
    g.writeStartObject();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      g.writeFieldName(fd.getJsonName());
      if (fd.isRepeated()) {
        g.writeStartArray();
        for (Object v : (List<?>) e.getValue()) {
          value(fd, v, g);
        }
        g.writeEndArray();
      } else {
        value(fd, e.getValue(), g);
      }
    }
    g.writeEndObject();
  }

  private static void value(FieldDescriptor fd, Object v, JsonGenerator g) throws IOException {
    switch (fd.getType()) {
      case MESSAGE:
      case GROUP:
        write((Message) v, g);
        break;
      case ENUM:
        g.writeNumber(((EnumValueDescriptor) v).getNumber());
        break;
      case BOOL:
        g.writeBoolean((Boolean) v);
        break;
      case STRING:
        g.writeString((String) v);
        break;
      case BYTES:
        ByteString b = (ByteString) v;
        String name = fd.getName();
        if (name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id")) {
          g.writeString(Ids.hex(b.toByteArray()));
        } else {
          g.writeString(Base64.getEncoder().encodeToString(b.toByteArray()));
        }
        break;
      case DOUBLE:
      case FLOAT:
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d)) {
          g.writeString("NaN");
        } else if (Double.isInfinite(d)) {
          g.writeString(d > 0 ? "Infinity" : "-Infinity");
        } else if (fd.getType() == FieldDescriptor.Type.FLOAT) {
          g.writeNumber((Float) v);
        } else {
          g.writeNumber(d);
        }
        break;
      case INT32:
      case SINT32:
      case SFIXED32:
        g.writeNumber((Integer) v);
        break;
      case UINT32:
      case FIXED32:
        g.writeNumber(Integer.toUnsignedLong((Integer) v));
        break;
      case UINT64:
      case FIXED64:
        g.writeString(Long.toUnsignedString((Long) v));
        break;
      default:
        // int64, sint64, sfixed64
        g.writeString(Long.toString((Long) v));
        break;
    }
  }
}
