package dev.lastmile.kpi.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic's name with its key and value serdes: declared once, used by topology, CLI and tests. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Consumed<K, V> consumed(String sourceName) {
        return Consumed.with(keySerde, valueSerde).withName(sourceName);
    }

    public Produced<K, V> produced(String sinkName) {
        return Produced.with(keySerde, valueSerde).withName(sinkName);
    }

    /** The same topic read or written as raw bytes. */
    public Topic<byte[], byte[]> raw() {
        return new Topic<>(name, Serdes.ByteArray(), Serdes.ByteArray());
    }
}
