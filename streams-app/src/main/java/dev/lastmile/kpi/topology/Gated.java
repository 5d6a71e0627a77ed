package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.watermark.Envelope;

/** What the input gate emits for each input record, and between them, progress markers. */
public sealed interface Gated<E> {

    /** A valid, first-seen event with its original bytes. */
    record Accepted<E>(E event, Envelope.Data envelope) implements Gated<E> {
    }

    /** An undecodable or invalid record, for the DLQ (headers carry the reason). */
    record Rejected<E>(byte[] rawKey, byte[] rawValue) implements Gated<E> {
    }

    /** The input partition's event-time progress. */
    record Progress<E>(Envelope.Marker marker) implements Gated<E> {
    }
}
