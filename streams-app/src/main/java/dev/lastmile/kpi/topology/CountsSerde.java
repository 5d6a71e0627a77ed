package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.codec.Payloads;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;

/**
 * Store format of aggregates made of a fixed tuple of longs and one map of string to count.
 * Version 1 (unchanged since wave 1): the longs, the map's size, then its entries (key, count) in key order.
 */
final class CountsSerde {

    private static final String FORMAT = "counts";
    private static final int VERSION = 1;

    private CountsSerde() {
    }

    static <A> Serde<A> of(int fields, Function<A, long[]> longs, Function<A, Map<String, Long>> map,
                           BiFunction<long[], Map<String, Long>, A> build) {
        return Payloads.serde(a -> write(longs.apply(a), map.apply(a)), bytes -> {
            PayloadReader in = PayloadReader.open(FORMAT, bytes);
            if (in.version() != VERSION) {
                throw in.unsupportedVersion();
            }
            long[] values = new long[fields];
            for (int i = 0; i < fields; i++) {
                values[i] = in.readLong();
            }
            Map<String, Long> entries = new TreeMap<>();
            for (int size = in.readInt(); size > 0; size--) {
                entries.put(in.readString(), in.readLong());
            }
            in.end();
            return build.apply(values, entries);
        });
    }

    static <A> Serde<A> longsOnly(int fields, Function<A, long[]> longs, Function<long[], A> build) {
        return of(fields, longs, a -> Map.of(), (v, m) -> build.apply(v));
    }

    private static byte[] write(long[] values, Map<String, Long> map) {
        PayloadWriter out = PayloadWriter.version(VERSION);
        for (long v : values) {
            out.writeLong(v);
        }
        out.writeInt(map.size());
        new TreeMap<>(map).forEach((k, v) -> out.writeString(k).writeLong(v));
        return out.toBytes();
    }
}
