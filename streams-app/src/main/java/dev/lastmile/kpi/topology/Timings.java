package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.config.PipelineConfig;
import java.time.Duration;

/**
 * The durations the topology's processors run by, named instead of passed in a row of positional
 * {@code Duration}s; each processor reads the ones it needs.
 *
 * @param windowGrace       how long after its end a window still accepts records ({@code window.grace})
 * @param stallTimeout      when a silent input partition stops holding the watermark ({@code watermark.stall.timeout})
 * @param markerInterval    event-time step of progress markers ({@code watermark.marker.interval})
 * @param commitInterval    wall-clock period of the processors' punctuations ({@code commit.interval})
 * @param kpiUpdateInterval how often an open window emits an update; zero: finals only ({@code kpi.update.interval})
 * @param dedupRetention    how long an event id is remembered ({@code dedup.retention})
 * @param complaintLookback how far back a complaint looks for its delivery's route ({@code complaint.lookback})
 * @param perfectOrderWindow how far from a delivery a complaint spoils a perfect order ({@code perfect.order.complaint.window})
 */
record Timings(Duration windowGrace, Duration stallTimeout, Duration markerInterval, Duration commitInterval,
               Duration kpiUpdateInterval, Duration dedupRetention, Duration complaintLookback,
               Duration perfectOrderWindow) {

    static Timings of(PipelineConfig config) {
        return new Timings(config.windowGrace(), config.stallTimeout(), config.markerInterval(), config.commitInterval(),
                config.kpiUpdateInterval(), config.dedupRetention(), config.complaintLookback(),
                config.perfectOrderWindow());
    }
}
