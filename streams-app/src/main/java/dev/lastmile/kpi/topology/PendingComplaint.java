package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.watermark.EnvelopeSerde.getBytes;
import static dev.lastmile.kpi.watermark.EnvelopeSerde.putBytes;

import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.EnvelopeSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A complaint waiting in the join's store for its delivery: the delivery id, the complaint's
 * envelope and its original headers (so a complaint that later turns out late keeps them).
 *
 * <p>Format 2: version byte 2, delivery id, header count and headers, envelope. Format 1 (no
 * version byte, no headers; its first byte is the high byte of the id length, so 0) is still read.
 */
record PendingComplaint(String deliveryId, Envelope.Data data, Headers headers) {

    private static final byte VERSION = 2;
    private static final EnvelopeSerde ENVELOPES = new EnvelopeSerde();

    static byte[] encode(String deliveryId, Envelope.Data data, Headers headers) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(deliveryId.getBytes(StandardCharsets.UTF_8));
        Header[] all = headers.toArray();
        for (Header h : all) {
            parts.add(h.key().getBytes(StandardCharsets.UTF_8));
            parts.add(h.value());
        }
        byte[] envelope = ENVELOPES.serializer().serialize(ComplaintAttributionProcessor.PENDING_STORE, data);
        int size = 1 + 4 + 4 + envelope.length;
        for (byte[] p : parts) {
            size += 4 + (p == null ? 0 : p.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION);
        putBytes(out, parts.get(0));
        out.putInt(all.length);
        for (int i = 1; i < parts.size(); i++) {
            putBytes(out, parts.get(i));
        }
        return out.put(envelope).array();
    }

    static PendingComplaint decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        RecordHeaders headers = new RecordHeaders();
        String id;
        if (bytes[0] == VERSION) {
            in.get();
            id = new String(getBytes(in), StandardCharsets.UTF_8);
            int count = in.getInt();
            for (int i = 0; i < count; i++) {
                headers.add(new RecordHeader(new String(getBytes(in), StandardCharsets.UTF_8), getBytes(in)));
            }
        } else {
            id = new String(getBytes(in), StandardCharsets.UTF_8);
        }
        byte[] envelope = new byte[in.remaining()];
        in.get(envelope);
        Envelope.Data data = (Envelope.Data) ENVELOPES.deserializer()
                .deserialize(ComplaintAttributionProcessor.PENDING_STORE, envelope);
        return new PendingComplaint(id, data, headers);
    }
}
