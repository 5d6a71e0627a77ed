package dev.lastmile.kpi.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads what {@link PayloadWriter} wrote. Every failure (short payload, bad length, unknown enum
 * name, an unknown version reported by the format) is a {@link PayloadFormatException} naming the
 * format and version, so a payload is never silently misread.
 */
public final class PayloadReader {

    private final String format;
    private final int version;
    private final ByteBuffer in;

    private PayloadReader(String format, int version, ByteBuffer in) {
        this.format = format;
        this.version = version;
        this.in = in;
    }

    /** A payload whose first byte is its version. */
    public static PayloadReader open(String format, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new PayloadFormatException(format, -1, "empty, not even a version byte", null);
        }
        return new PayloadReader(format, bytes[0] & 0xff, ByteBuffer.wrap(bytes, 1, bytes.length - 1));
    }

    /** A legacy payload written before it had a version byte; {@code version} only labels errors. */
    public static PayloadReader untagged(String format, int version, byte[] bytes) {
        return new PayloadReader(format, version, ByteBuffer.wrap(bytes));
    }

    public int version() {
        return version;
    }

    public PayloadFormatException unsupportedVersion() {
        return new PayloadFormatException(format, version, "unknown version, written by a newer release?", null);
    }

    public PayloadFormatException corrupt(String problem) {
        return new PayloadFormatException(format, version, problem, null);
    }

    public byte readByte() {
        return read(() -> in.get());
    }

    public boolean readBoolean() {
        byte b = readByte();
        if (b != 0 && b != 1) {
            throw corrupt("boolean byte " + b);
        }
        return b == 1;
    }

    public int readInt() {
        return read(() -> in.getInt());
    }

    public long readLong() {
        return read(() -> in.getLong());
    }

    public byte[] readBytes() {
        int length = readInt();
        if (length < -1 || length > in.remaining()) {
            throw corrupt("field length " + length + " with " + in.remaining() + " bytes left");
        }
        if (length == -1) {
            return null;
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    public String readString() {
        byte[] b = readBytes();
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** An enum written by name (null allowed); an unknown name fails rather than guessing. */
    public <E extends Enum<E>> E readEnum(Class<E> type) {
        String name = readString();
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new PayloadFormatException(format, version, "unknown " + type.getSimpleName() + " " + name, e);
        }
    }

    /** An enum a legacy format wrote by ordinal, looked up in that release's pinned symbol order. */
    public <E extends Enum<E>> E readLegacyOrdinal(Class<E> type, List<String> symbolsThen) {
        return legacySymbol(type, symbolsThen, readByte());
    }

    /** The enum a legacy ordinal (already read) stood for in that release's pinned symbol order. */
    public <E extends Enum<E>> E legacySymbol(Class<E> type, List<String> symbolsThen, int ordinal) {
        if (ordinal < 0 || ordinal >= symbolsThen.size()) {
            throw corrupt(type.getSimpleName() + " ordinal " + ordinal);
        }
        return Enum.valueOf(type, symbolsThen.get(ordinal));
    }

    /** The rest of the payload as it is (a nested payload that ends this one). */
    public byte[] readRest() {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return b;
    }

    /** Checks that nothing is left: trailing bytes mean the layout was not the one assumed. */
    public void end() {
        if (in.hasRemaining()) {
            throw corrupt(in.remaining() + " unexpected trailing bytes");
        }
    }

    private <T> T read(Supplier<T> field) {
        try {
            return field.get();
        } catch (BufferUnderflowException e) {
            throw new PayloadFormatException(format, version, "truncated", e);
        }
    }
}
