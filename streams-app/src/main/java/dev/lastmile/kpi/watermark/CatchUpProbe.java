package dev.lastmile.kpi.watermark;

import org.apache.kafka.common.TopicPartition;

/**
 * Tells an input gate whether it has read its partition to the end: the consumer of the calling
 * stream thread has fetched up to the partition's end (the last stable offset under read_committed)
 * and every record it handed out has been processed. Only then may the gate vouch for the
 * wall-clock time as its progress; a gate that cannot tell (no consumer, no fetch yet, records
 * still buffered) says no and its partition keeps holding the watermark.
 *
 * <p>Called from the stream thread that owns the consumer, as Kafka consumers are single-threaded.
 */
@FunctionalInterface
public interface CatchUpProbe {

    /** A probe that never vouches: replay and tests that drive time by their input alone. */
    CatchUpProbe NEVER = (partition, lastProcessedOffset) -> false;

    /**
     * @param lastProcessedOffset offset of the last record the gate processed from the partition
     *                            since its task started here, or -1 for none
     */
    boolean caughtUp(TopicPartition partition, long lastProcessedOffset);
}
