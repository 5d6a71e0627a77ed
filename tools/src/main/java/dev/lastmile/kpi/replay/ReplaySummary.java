package dev.lastmile.kpi.replay;

/** What a replay did, printed at its end and returned to callers. */
public record ReplaySummary(long lines, long blank, long accepted, long rejected, long duplicates, long late, long kpiRecords) {

    @Override
    public String toString() {
        return String.format("replay: %d lines (%d blank), %d events accepted, %d rejected (DLQ), %d duplicates dropped, "
                + "%d late, %d final KPI records written", lines, blank, accepted, rejected, duplicates, late, kpiRecords);
    }
}
