package dev.lastmile.kpi.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {
    }

    /** The schema id of an encoded value, after checking the magic byte and length. */
    public static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_LENGTH) {
            throw new SerializationException("Record from topic " + topic + " is " + data.length
                    + " bytes, shorter than the 5-byte Confluent header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException("Record from topic " + topic + " has magic byte " + data[0]
                    + ", expected 0 (Confluent wire format)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC_BYTE).putInt(schemaId);
    }
}
