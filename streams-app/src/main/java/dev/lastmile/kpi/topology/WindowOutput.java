package dev.lastmile.kpi.topology;

/** What a windowed KPI processor emits: KPI records, and late input records with their reason. */
public sealed interface WindowOutput<OUT> {

    record Kpi<OUT>(String key, OUT value) implements WindowOutput<OUT> {
    }

    /** The family's verdict on a record that missed a closed window, or on one its gate flagged at risk. */
    record Late<OUT>(LateVerdict verdict) implements WindowOutput<OUT> {
    }
}
