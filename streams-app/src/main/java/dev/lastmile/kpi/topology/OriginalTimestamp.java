package dev.lastmile.kpi.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Copies a record's timestamp into the {@link RecordHeaderNames#ORIGINAL_TIMESTAMP} header before
 * it goes to a topic that the broker stamps with its append time (DLQ, late events), so whoever
 * re-processes the record still has the time it carried. Added like the pipeline's other headers:
 * a record that already had one (re-injected) keeps it, ours is the last.
 */
final class OriginalTimestamp<K, V> implements FixedKeyProcessor<K, V, V> {

    private FixedKeyProcessorContext<K, V> context;

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(RecordHeaderNames.ORIGINAL_TIMESTAMP,
                Instant.ofEpochMilli(record.timestamp()).toString().getBytes(StandardCharsets.UTF_8));
        context.forward(record.withHeaders(headers));
    }
}
