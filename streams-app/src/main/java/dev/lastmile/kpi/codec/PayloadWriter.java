package dev.lastmile.kpi.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one internal payload (store value, changelog, repartition topic): its version byte first,
 * then fields, all big-endian. Strings and byte arrays are an int length (-1 for null) and the bytes;
 * an enum is written by its name, never by its ordinal, so reordering or adding symbols is harmless.
 * These are the field encodings wave 1's hand-rolled formats already used, so their bytes stay valid.
 */
public final class PayloadWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    private PayloadWriter(int version) {
        out.write(version);
    }

    public static PayloadWriter version(int version) {
        return new PayloadWriter(version);
    }

    public PayloadWriter writeByte(int b) {
        out.write(b);
        return this;
    }

    public PayloadWriter writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    public PayloadWriter writeInt(int v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(v >>> shift);
        }
        return this;
    }

    public PayloadWriter writeLong(long v) {
        return writeInt((int) (v >>> 32)).writeInt((int) v);
    }

    public PayloadWriter writeBytes(byte[] b) {
        if (b == null) {
            return writeInt(-1);
        }
        writeInt(b.length);
        out.writeBytes(b);
        return this;
    }

    public PayloadWriter writeString(String s) {
        return writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** The enum's name (null allowed): stable where an ordinal is not. */
    public PayloadWriter writeEnum(Enum<?> e) {
        return writeString(e == null ? null : e.name());
    }

    /** Appends bytes as they are, for a nested payload that ends this one. */
    public PayloadWriter writeRest(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
