package dev.lastmile.kpi.watermark;

/**
 * What crosses a repartition topic on its way to a windowed KPI: either an input record, kept as
 * its original bytes so a late one can be forwarded unchanged, or a progress marker from one source
 * partition. Markers go to every partition of the repartition topic (see {@link MarkerPartitioner}),
 * and because they follow the data that one upstream task wrote before them, a marker at time T
 * means every record that task saw up to T has been delivered.
 */
public sealed interface Envelope {

    /** "topic:partition" of the input partition a record or marker comes from. */
    String source();

    /** Event time of the record, or the progress the marker reports. */
    long eventTimeMs();

    /**
     * An input record: original key and value bytes plus where it was read, and optionally a
     * payload derived from it upstream (e.g. a ticket's resolution facts) for the KPI to count.
     */
    record Data(String source, long offset, long eventTimeMs, byte[] rawKey, byte[] rawValue, byte[] payload)
            implements Envelope {

        public Data(String source, long offset, long eventTimeMs, byte[] rawKey, byte[] rawValue) {
            this(source, offset, eventTimeMs, rawKey, rawValue, null);
        }

        public Data withPayload(byte[] newPayload) {
            return new Data(source, offset, eventTimeMs, rawKey, rawValue, newPayload);
        }
    }

    /** "Every record of {@code source} up to {@code eventTimeMs} has been sent." */
    record Marker(String source, long eventTimeMs) implements Envelope {
    }

    static String source(String topic, int partition) {
        return topic + ":" + partition;
    }
}
