package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.EnvelopeSerde;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A complaint waiting in the join's store for its delivery: the delivery id, the complaint's
 * envelope and its original headers (so a complaint that later turns out late keeps them).
 *
 * <p>Version 3: delivery id, header count and headers (key, value), then the envelope to the end.
 * Still read: version 2 (wave 1), the same but with 4 zero bytes after the envelope (its buffer was
 * over-allocated), and the format before it (no version byte, no headers; its first byte is the high
 * byte of the id length, so 0).
 */
record PendingComplaint(String deliveryId, Envelope.Data data, Headers headers) {

    private static final String FORMAT = "pending complaint";
    private static final int VERSION = 3;
    private static final int WAVE1 = 2;
    private static final int WAVE1_PADDING = 4;

    static byte[] encode(String deliveryId, Envelope.Data data, Headers headers) {
        Header[] all = headers.toArray();
        PayloadWriter out = PayloadWriter.version(VERSION).writeString(deliveryId).writeInt(all.length);
        for (Header h : all) {
            out.writeString(h.key()).writeBytes(h.value());
        }
        return out.writeRest(EnvelopeSerde.write(data)).toBytes();
    }

    static PendingComplaint decode(byte[] bytes) {
        boolean untagged = bytes.length > 0 && bytes[0] == 0;
        PayloadReader in = untagged ? PayloadReader.untagged(FORMAT, 1, bytes) : PayloadReader.open(FORMAT, bytes);
        if (!untagged && in.version() != VERSION && in.version() != WAVE1) {
            throw in.unsupportedVersion();
        }
        String id = in.readString();
        RecordHeaders headers = new RecordHeaders();
        for (int count = untagged ? 0 : in.readInt(); count > 0; count--) {
            headers.add(new RecordHeader(in.readString(), in.readBytes()));
        }
        byte[] envelope = in.readRest();
        if (!untagged && in.version() == WAVE1) {
            envelope = withoutWave1Padding(in, envelope);
        }
        if (!(EnvelopeSerde.read(envelope) instanceof Envelope.Data data)) {
            throw in.corrupt("a marker where a complaint was expected");
        }
        return new PendingComplaint(id, data, headers);
    }

    private static byte[] withoutWave1Padding(PayloadReader in, byte[] envelope) {
        int end = envelope.length - WAVE1_PADDING;
        if (end < 0 || !Arrays.equals(envelope, end, envelope.length, new byte[WAVE1_PADDING], 0, WAVE1_PADDING)) {
            throw in.corrupt("no zero padding after the envelope");
        }
        return Arrays.copyOf(envelope, end);
    }
}
