package dev.lastmile.kpi.codec;

import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** A Kafka serde over a payload's encode and decode, null passing through as null (a tombstone). */
public final class Payloads {

    private Payloads() {
    }

    public static <T> Serde<T> serde(Function<T, byte[]> encode, Function<byte[], T> decode) {
        return Serdes.serdeFrom((topic, value) -> value == null ? null : encode.apply(value),
                (topic, bytes) -> bytes == null ? null : decode.apply(bytes));
    }
}
