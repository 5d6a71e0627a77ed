package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;

/**
 * Keys of KPI records: {@code <group>|<window>|<window_start ISO-8601>}, e.g.
 * {@code north|HOURLY|2026-11-02T08:00:00Z}. One key per KPI series and window, so a compacted
 * topic keeps the latest (final) record of every window.
 */
public final class KpiKeys {

    private KpiKeys() {
    }

    public static String of(String group, WindowKind window, long windowStart) {
        return group + "|" + window + "|" + Instant.ofEpochMilli(windowStart);
    }
}
