package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.watermark.Envelope;

/** What a join stage emits: records and markers for its windows, and verdicts on late input records. */
sealed interface JoinOutput {

    record Forward(Envelope envelope) implements JoinOutput {
    }

    /** The stage's verdict on an input record that came too late for it, or that its gate flagged at risk. */
    record Late(LateVerdict verdict) implements JoinOutput {
    }
}
