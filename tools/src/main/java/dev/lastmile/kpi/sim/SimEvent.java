package dev.lastmile.kpi.sim;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record the simulator emits: an event for one of the three input topics, keyed by its id.
 * {@code invalid} records break the contract on purpose (reason says how) and must end in the DLQ.
 */
public record SimEvent(Source source, String key, SpecificRecord event, long timeMs, String invalidReason) {

    public enum Source { DELIVERY, TICKET, SURVEY }

    public boolean invalid() {
        return invalidReason != null;
    }
}
