package dev.traceguard.gpu.agent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * Points static call sites of one class at another class with the same static methods, by
 * rewriting only the constant pool of a class file: it appends a {@code CONSTANT_Utf8} and a
 * {@code CONSTANT_Class} entry for the target class and sets the {@code class_index} of each
 * matching {@code CONSTANT_Methodref} to the new entry. Instructions, stack map frames, fields
 * and methods are copied byte for byte (existing constant indices keep their meaning), which is
 * what class retransformation allows; every {@code invokestatic} through a matching reference then
 * calls the target.
 *
 * <pre>{@code
 * CallSiteRewriter r = new CallSiteRewriter("jcuda/driver/JCudaDriver", "dev/traceguard/gpu/agent/JCudaHooks",
 *     Set.of("cuLaunchKernel(Ljcuda/driver/CUfunction;IIIIIIILjcuda/driver/CUstream;Ljcuda/Pointer;Ljcuda/Pointer;)I"));
 * byte[] rewritten = r.rewrite(classBytes);   // null: nothing to change (or not a class file)
 * }</pre>
 */
public final class CallSiteRewriter {
  private static final int UTF8 = 1;
  private static final int CLASS = 7;
  private static final int METHODREF = 10;
  private static final int NAME_AND_TYPE = 12;

  private final String from;
  private final String to;
  private final Set<String> methods;
  private final byte[] fromBytes;

  /**
   * A rewriter.
   *
   * @param from internal name of the class whose calls are redirected, e.g. {@code
   *     jcuda/driver/JCudaDriver}
   * @param to internal name of the class that receives them; it must have each method as a static
   *     method with the same descriptor
   * @param methods the methods to redirect, each as name followed by descriptor, e.g. {@code
   *     cuStreamQuery(Ljcuda/driver/CUstream;)I}
   */
  public CallSiteRewriter(String from, String to, Set<String> methods) {
    this.from = from;
    this.to = to;
    this.methods = Set.copyOf(methods);
    this.fromBytes = from.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Internal name of the class whose calls are redirected. */
  public String from() {
    return from;
  }

  /**
   * Whether {@code classFile} mentions {@link #from()} at all (a byte search: cheap, may say yes
   * for a class that only has the name in a string constant).
   */
  public boolean mentions(byte[] classFile) {
    byte[] f = fromBytes;
    outer:
    for (int i = 0; i <= classFile.length - f.length; i++) {
      for (int j = 0; j < f.length; j++) {
        if (classFile[i + j] != f[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * The class file with matching call sites pointed at the target class.
   *
   * @return the rewritten bytes, or null when nothing matches, the constant pool is full or the
   *     bytes are not a class file this reader understands (the caller keeps the original)
   */
  public byte[] rewrite(byte[] classFile) {
    if (classFile == null || !mentions(classFile)) {
      return null;
    }
    try {
      return parseAndRewrite(classFile);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private byte[] parseAndRewrite(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      return null;
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    int[] tag = new int[count];
    int[] start = new int[count];
    int[] a = new int[count];
    int[] b = new int[count];
    String[] utf8 = new String[count];
    int headerEnd = 10;
    int pos = headerEnd;
    for (int i = 1; i < count; i++) {
      start[i] = pos;
      int t = in.readUnsignedByte();
      tag[i] = t;
      pos += 1;
      switch (t) {
        case UTF8 -> {
          int len = in.readUnsignedShort();
          byte[] raw = new byte[len];
          in.readFully(raw);
          // Modified UTF-8 equals UTF-8 for the ASCII names compared here; others never match.
          utf8[i] = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
          pos += 2 + len;
        }
        case CLASS, 8, 16, 19, 20 -> { // Class, String, MethodType, Module, Package: u2
          a[i] = in.readUnsignedShort();
          pos += 2;
        }
        case 15 -> { // MethodHandle: u1 kind, u2 reference
          in.readUnsignedByte();
          in.readUnsignedShort();
          pos += 3;
        }
        case 3, 4 -> { // Integer, Float
          in.readInt();
          pos += 4;
        }
        case 9, METHODREF, 11, NAME_AND_TYPE, 17, 18 -> { // two u2
          a[i] = in.readUnsignedShort();
          b[i] = in.readUnsignedShort();
          pos += 4;
        }
        case 5, 6 -> { // Long, Double: eight bytes and two slots
          in.readLong();
          pos += 8;
          i++;
        }
        default -> throw new IOException("constant pool tag " + t + " at entry " + i);
      }
    }
    int poolEnd = pos;
    int newClass = count + 1;
    int newUtf8 = count;
    boolean any = false;
    int[] redirect = new int[count];
    for (int i = 1; i < count; i++) {
      if (tag[i] != METHODREF) {
        continue;
      }
      int c = a[i];
      int nt = b[i];
      if (!valid(c, count) || tag[c] != CLASS || !valid(a[c], count) || !from.equals(utf8[a[c]])
          || !valid(nt, count) || tag[nt] != NAME_AND_TYPE || !valid(a[nt], count) || !valid(b[nt], count)) {
        continue;
      }
      String name = utf8[a[nt]];
      String desc = utf8[b[nt]];
      if (name != null && desc != null && methods.contains(name + desc)) {
        redirect[i] = 1;
        any = true;
      }
    }
    if (!any || count + 2 > 0xFFFF) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(classFile.length + to.length() + 8);
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(classFile, 0, 8);
    out.writeShort(count + 2);
    int copied = headerEnd;
    for (int i = 1; i < count; i++) {
      if (redirect[i] == 1) {
        out.write(classFile, copied, start[i] - copied);
        out.writeByte(METHODREF);
        out.writeShort(newClass);
        out.writeShort(b[i]);
        copied = start[i] + 5;
      }
    }
    out.write(classFile, copied, poolEnd - copied);
    out.writeByte(UTF8);
    out.writeUTF(to);
    out.writeByte(CLASS);
    out.writeShort(newUtf8);
    out.write(classFile, poolEnd, classFile.length - poolEnd);
    out.flush();
    return bytes.toByteArray();
  }

  private static boolean valid(int index, int count) {
    return index > 0 && index < count;
  }
}
