package dev.lastmile.kpi.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class ExpirySweepTest {

    private static final long ROUND = ExpirySweep.MIN_ROUND.toMillis();

    /** Keys k00000..k11999; the value is the entry's last-seen time: even keys old (1), odd new (100). */
    private static KeyValueStore<String, Long> storeOf(int entries) {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sweep"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        for (int i = 0; i < entries; i++) {
            store.put(String.format("k%05d", i), i % 2 == 0 ? 1L : 100L);
        }
        return store;
    }

    @Test
    void deletesTheExpiredASliceAtATimeAndWrapsAround() {
        int entries = 2 * ExpirySweep.BUDGET + 2_000;
        KeyValueStore<String, Long> store = storeOf(entries);
        ExpirySweep<String, Long> sweep = new ExpirySweep<>(store);
        Set<String> deleted = new HashSet<>();

        List<String> first = sweep.sweep((k, seen) -> seen < 50, 0);
        // One slice: the expired among the first BUDGET keys only, nothing beyond.
        assertThat(first).hasSize(ExpirySweep.BUDGET / 2).allMatch(k -> k.compareTo(String.format("k%05d", ExpirySweep.BUDGET)) < 0);
        deleted.addAll(first);
        deleted.addAll(sweep.sweep((k, seen) -> seen < 50, 1_000));
        deleted.addAll(sweep.sweep((k, seen) -> seen < 50, 2_000));
        assertThat(deleted).hasSize(entries / 2).allMatch(k -> Integer.parseInt(k.substring(1)) % 2 == 0);
        assertThat(store.approximateNumEntries()).isEqualTo(entries / 2);

        // The round is over: a small store is not scanned again before MIN_ROUND has passed.
        store.put("k00001", 1L);
        assertThat(sweep.sweep((k, seen) -> seen < 50, 3_000)).isEmpty();
        assertThat(sweep.sweep((k, seen) -> seen < 50, ROUND)).containsExactly("k00001");
    }

    @Test
    void resumesAfterAKeyThatWasDeletedMeanwhile() {
        KeyValueStore<String, Long> store = storeOf(ExpirySweep.BUDGET + 10);
        ExpirySweep<String, Long> sweep = new ExpirySweep<>(store);
        sweep.sweep((k, seen) -> false, 0);
        String lastLooked = String.format("k%05d", ExpirySweep.BUDGET - 1);
        store.delete(lastLooked);
        // The next slice starts right after it: exactly the 10 keys not yet looked at.
        Set<String> looked = new HashSet<>();
        sweep.sweep((k, seen) -> looked.add(k) && false, 1_000);
        assertThat(looked).hasSize(10).allMatch(k -> k.compareTo(lastLooked) > 0);
    }
}
