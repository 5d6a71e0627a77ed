package dev.lastmile.kpi.topology;

import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Store serde for aggregates that are a fixed tuple of longs: a version byte, then the longs.
 * Compact and exact; a new field means a new version.
 */
final class LongsSerde {

    private LongsSerde() {
    }

    static <A> Serde<A> of(int fields, Function<A, long[]> toLongs, Function<long[], A> fromLongs) {
        byte version = 1;
        return Serdes.serdeFrom(
                (topic, a) -> {
                    if (a == null) {
                        return null;
                    }
                    long[] values = toLongs.apply(a);
                    ByteBuffer out = ByteBuffer.allocate(1 + 8 * values.length).put(version);
                    for (long v : values) {
                        out.putLong(v);
                    }
                    return out.array();
                },
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    if (bytes.length != 1 + 8 * fields || bytes[0] != version) {
                        throw new SerializationException("Aggregate in " + topic + " has an unknown layout");
                    }
                    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
                    long[] values = new long[fields];
                    for (int i = 0; i < fields; i++) {
                        values[i] = in.getLong();
                    }
                    return fromLongs.apply(values);
                });
    }
}
