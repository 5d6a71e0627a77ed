package dev.lastmile.kpi.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Items a join holds until the other side has caught up with them, in a store ordered by event time
 * (then input partition and offset, so an item is held once however often it is re-read). The oldest
 * held time is kept in memory, so a join can hold its progress below it without a scan per record.
 */
final class PendingQueue {

    private final KeyValueStore<Bytes, byte[]> store;
    private long oldest;

    PendingQueue(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.oldest = scanOldest();
    }

    void hold(long eventTimeMs, String source, long offset, byte[] item) {
        store.put(key(eventTimeMs, source, offset), item);
        oldest = Math.min(oldest, eventTimeMs);
    }

    /** Removes and returns, oldest first, every item held at or before {@code upTo}. */
    List<byte[]> releaseUpTo(long upTo) {
        List<KeyValue<Bytes, byte[]>> ready = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (timeOf(kv.key) > upTo) {
                    break; // keys are in event-time order
                }
                ready.add(kv);
            }
        }
        ready.forEach(kv -> store.delete(kv.key));
        if (!ready.isEmpty()) {
            oldest = scanOldest();
        }
        return ready.stream().map(kv -> kv.value).toList();
    }

    /** Event time of the oldest held item, or {@code Long.MAX_VALUE} when none is held. */
    long oldest() {
        return oldest;
    }

    /** {@code progress}, held below the oldest item: what the join can vouch for downstream. */
    long holdBelowOldest(long progress) {
        return oldest == Long.MAX_VALUE ? progress : Math.min(progress, oldest - 1);
    }

    private long scanOldest() {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            return it.hasNext() ? timeOf(it.next().key) : Long.MAX_VALUE;
        }
    }

    /** Big-endian, sign-flipped time first: the store's byte order is event-time order. */
    private static Bytes key(long eventTimeMs, String source, long offset) {
        byte[] src = source.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(16 + src.length).putLong(eventTimeMs ^ Long.MIN_VALUE)
                .putLong(offset).put(src).array());
    }

    private static long timeOf(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }
}
