package dev.lastmile.kpi.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes expired entries of a key-value store a slice at a time: each call looks at the next
 * {@link #BUDGET} entries after where the previous call stopped and wraps around at the end.
 * A whole-store scan in the stream thread (millions of entries in a week's join table) would stop
 * processing, heartbeats and the open transaction for as long as it takes; a slice takes a few
 * milliseconds, and as every entry is still looked at once per round, the store stays within its
 * retention plus one round: {@link #MIN_ROUND} (as the old whole-store purge) or, for a store of
 * more than {@code BUDGET * 600} entries, {@code entries / BUDGET} seconds (about 3 minutes per
 * million). Small stores are not scanned again and again: a round starts at most every
 * {@code MIN_ROUND}.
 *
 * <p>Where a round stopped is kept in memory only: after a restart the sweep starts again from the
 * first key, which costs one extra round and nothing else.
 */
final class ExpirySweep<K, V> {

    /** How often a processor calls {@link #sweep}, by its wall clock (replay's follows event time). */
    static final Duration EVERY = Duration.ofSeconds(1);
    static final int BUDGET = 5_000;
    static final Duration MIN_ROUND = Duration.ofMinutes(10);

    private final KeyValueStore<K, V> store;
    private K resumeAfter;
    private long roundStartedMs = Long.MIN_VALUE;

    ExpirySweep(KeyValueStore<K, V> store) {
        this.store = store;
    }

    /** Deletes the expired among the next slice of entries and returns their keys. */
    List<K> sweep(BiPredicate<K, V> expired, long wallNowMs) {
        List<K> old = new ArrayList<>();
        if (resumeAfter == null) {
            if (roundStartedMs != Long.MIN_VALUE && wallNowMs - roundStartedMs < MIN_ROUND.toMillis()) {
                return old;
            }
            roundStartedMs = wallNowMs;
        }
        K last = null;
        int looked = 0;
        // range(from, null) runs to the last key; from is inclusive, so skip where the last slice ended.
        try (KeyValueIterator<K, V> it = store.range(resumeAfter, null)) {
            while (looked < BUDGET && it.hasNext()) {
                KeyValue<K, V> e = it.next();
                if (looked == 0 && e.key.equals(resumeAfter)) {
                    continue;
                }
                looked++;
                last = e.key;
                if (expired.test(e.key, e.value)) {
                    old.add(e.key);
                }
            }
            resumeAfter = it.hasNext() ? last : null;
        }
        old.forEach(store::delete);
        return old;
    }
}
