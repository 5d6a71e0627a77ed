package dev.lastmile.kpi.replay;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/** Counts the entries of every state store, to measure how state grows with the input. */
final class StateReport {

    private StateReport() {
    }

    static Map<String, Long> count(TopologyTestDriver driver) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, StateStore> e : driver.getAllStateStores().entrySet()) {
            long n = 0;
            if (e.getValue() instanceof KeyValueStore<?, ?> kv) {
                try (KeyValueIterator<?, ?> it = kv.all()) {
                    for (; it.hasNext(); it.next()) {
                        n++;
                    }
                }
            } else if (e.getValue() instanceof WindowStore<?, ?> w) {
                try (KeyValueIterator<?, ?> it = w.all()) {
                    for (; it.hasNext(); it.next()) {
                        n++;
                    }
                }
            }
            counts.put(e.getKey(), n);
        }
        return counts;
    }

    static void print(TopologyTestDriver driver, PrintWriter out) {
        out.println("state entries before the end of input closes the open windows:");
        count(driver).forEach((store, n) -> out.printf("  %-28s %,12d%n", store, n));
    }
}
