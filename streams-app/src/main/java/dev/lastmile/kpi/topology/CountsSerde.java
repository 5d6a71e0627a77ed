package dev.lastmile.kpi.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Store serde for aggregates made of a fixed tuple of longs and one map of string to count:
 * a version byte, the longs, then the map's size and entries. Compact and exact.
 */
final class CountsSerde {

    private static final byte VERSION = 1;

    private CountsSerde() {
    }

    static <A> Serde<A> of(int fields, Function<A, long[]> longs, Function<A, Map<String, Long>> map,
                           BiFunction<long[], Map<String, Long>, A> build) {
        return Serdes.serdeFrom((topic, a) -> a == null ? null : write(longs.apply(a), map.apply(a)),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        ByteBuffer in = ByteBuffer.wrap(bytes);
                        if (in.get() != VERSION) {
                            throw new SerializationException("Aggregate in " + topic + " has an unknown version");
                        }
                        long[] values = new long[fields];
                        for (int i = 0; i < fields; i++) {
                            values[i] = in.getLong();
                        }
                        Map<String, Long> entries = new TreeMap<>();
                        int size = in.getInt();
                        for (int i = 0; i < size; i++) {
                            byte[] key = new byte[in.getInt()];
                            in.get(key);
                            entries.put(new String(key, StandardCharsets.UTF_8), in.getLong());
                        }
                        return build.apply(values, entries);
                    } catch (RuntimeException e) {
                        throw new SerializationException("Corrupt aggregate in " + topic, e);
                    }
                });
    }

    static <A> Serde<A> longsOnly(int fields, Function<A, long[]> longs, Function<long[], A> build) {
        return of(fields, longs, a -> Map.of(), (v, m) -> build.apply(v));
    }

    private static byte[] write(long[] values, Map<String, Long> map) {
        int size = 1 + 8 * values.length + 4;
        for (String k : map.keySet()) {
            size += 4 + k.getBytes(StandardCharsets.UTF_8).length + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION);
        for (long v : values) {
            out.putLong(v);
        }
        out.putInt(map.size());
        new TreeMap<>(map).forEach((k, v) -> {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            out.putInt(key.length).put(key).putLong(v);
        });
        return out.array();
    }
}
