package dev.lastmile.kpi.watermark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary format of {@link Envelope} on internal repartition topics: a version byte, a kind byte,
 * then length-prefixed fields. Internal, so no registry; the version byte allows a later change.
 */
public final class EnvelopeSerde implements Serde<Envelope> {

    private static final byte VERSION = 1;
    private static final byte DATA = 1;
    private static final byte MARKER = 2;

    @Override
    public Serializer<Envelope> serializer() {
        return (topic, envelope) -> envelope == null ? null : write(envelope);
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(topic, bytes);
    }

    static byte[] write(Envelope envelope) {
        byte[] source = envelope.source().getBytes(StandardCharsets.UTF_8);
        if (envelope instanceof Envelope.Data d) {
            int keyLength = d.rawKey() == null ? -1 : d.rawKey().length;
            int valueLength = d.rawValue() == null ? -1 : d.rawValue().length;
            int payloadLength = d.payload() == null ? -1 : d.payload().length;
            ByteBuffer out = ByteBuffer.allocate(2 + 4 + source.length + 8 + 8 + 4 + Math.max(keyLength, 0)
                    + 4 + Math.max(valueLength, 0) + 4 + Math.max(payloadLength, 0));
            out.put(VERSION).put(DATA).putInt(source.length).put(source).putLong(d.offset()).putLong(d.eventTimeMs());
            putBytes(out, d.rawKey());
            putBytes(out, d.rawValue());
            putBytes(out, d.payload());
            return out.array();
        }
        ByteBuffer out = ByteBuffer.allocate(2 + 4 + source.length + 8);
        out.put(VERSION).put(MARKER).putInt(source.length).put(source).putLong(envelope.eventTimeMs());
        return out.array();
    }

    static Envelope read(String topic, byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new SerializationException("Envelope version " + version + " on " + topic + " is not supported");
            }
            byte kind = in.get();
            byte[] source = new byte[in.getInt()];
            in.get(source);
            String src = new String(source, StandardCharsets.UTF_8);
            if (kind == MARKER) {
                return new Envelope.Marker(src, in.getLong());
            }
            long offset = in.getLong();
            long time = in.getLong();
            return new Envelope.Data(src, offset, time, getBytes(in), getBytes(in), getBytes(in));
        } catch (RuntimeException e) {
            throw new SerializationException("Corrupt envelope on " + topic, e);
        }
    }

    /** A length-prefixed byte array (-1 for null), the field format of every internal payload. */
    public static void putBytes(ByteBuffer out, byte[] b) {
        if (b == null) {
            out.putInt(-1);
        } else {
            out.putInt(b.length).put(b);
        }
    }

    /** Reads what {@link #putBytes} wrote. */
    public static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
