package dev.lastmile.kpi.topology;

/** What a windowed KPI processor emits: KPI records, and late input records with their reason. */
public sealed interface WindowOutput<OUT> {

    record Kpi<OUT>(String key, OUT value) implements WindowOutput<OUT> {
    }

    record Late<OUT>(byte[] rawKey, byte[] rawValue) implements WindowOutput<OUT> {
    }
}
