package dev.lastmile.kpi.watermark;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Format of {@link Envelope} on internal repartition topics (and inside pending complaints).
 * Version 1 (unchanged since wave 1): kind (1 data, 2 marker), source; a marker then its time; data
 * then offset, event time, raw key, raw value, payload (the payload has its own version).
 */
public final class EnvelopeSerde implements Serde<Envelope> {

    static final String FORMAT = "envelope";
    private static final int VERSION = 1;
    private static final byte DATA = 1;
    private static final byte MARKER = 2;

    @Override
    public Serializer<Envelope> serializer() {
        return (topic, envelope) -> envelope == null ? null : write(envelope);
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    public static byte[] write(Envelope envelope) {
        PayloadWriter out = PayloadWriter.version(VERSION);
        if (envelope instanceof Envelope.Data d) {
            return out.writeByte(DATA).writeString(d.source()).writeLong(d.offset()).writeLong(d.eventTimeMs())
                    .writeBytes(d.rawKey()).writeBytes(d.rawValue()).writeBytes(d.payload()).toBytes();
        }
        return out.writeByte(MARKER).writeString(envelope.source()).writeLong(envelope.eventTimeMs()).toBytes();
    }

    public static Envelope read(byte[] bytes) {
        PayloadReader in = PayloadReader.open(FORMAT, bytes);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        byte kind = in.readByte();
        String source = in.readString();
        Envelope envelope = switch (kind) {
            case MARKER -> new Envelope.Marker(source, in.readLong());
            case DATA -> new Envelope.Data(source, in.readLong(), in.readLong(), in.readBytes(), in.readBytes(),
                    in.readBytes());
            default -> throw in.corrupt("unknown envelope kind " + kind);
        };
        in.end();
        return envelope;
    }
}
