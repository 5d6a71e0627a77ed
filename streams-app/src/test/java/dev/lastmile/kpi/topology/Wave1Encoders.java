package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.LegacyOrdinals;
import dev.lastmile.kpi.kpi.RouteObservation;
import dev.lastmile.kpi.kpi.TicketLifecycle;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.EnvelopeSerde;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * Writes the payloads whose format changed exactly as wave 1 (commit 6b748c5) did, so a test can
 * put wave-1 state into changelogs. Deliberately not built on the production codec; checked byte
 * for byte against the fixtures written by 6b748c5's own classes (InternalFormatsTest).
 */
public final class Wave1Encoders {

    private Wave1Encoders() {
    }

    /** A ticket-lifecycle store value (today's bytes in) in wave 1's version 1, category by ordinal. */
    public static byte[] ticketLifecycle(byte[] current) {
        TicketLifecycle t = TicketLifecycle.decode(current);
        return write(out -> {
            out.writeByte(1);
            string(out, t.region());
            out.writeByte(LegacyOrdinals.TICKET_CATEGORY.indexOf(t.category().name()));
            out.writeLong(t.openedAt());
            out.writeLong(t.firstAgentReplyAt());
            out.writeLong(t.firstResolvedAt());
            out.writeLong(t.lastEventAt());
            out.writeBoolean(t.customerReplied());
            out.writeBoolean(t.escalated());
        });
    }

    /** A routes store value in wave 1's text: "first TAB last TAB region TAB route". */
    public static byte[] routeRef(byte[] current) {
        ComplaintAttributionProcessor.RouteRef r = ComplaintAttributionProcessor.RouteRef.decode(current);
        return (r.firstSeen() + "\t" + r.lastSeen() + "\t" + r.region() + "\t" + r.route())
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A pending complaint in wave 1's version 2: its route observation untagged, 4 zero bytes at the end. */
    public static byte[] pendingComplaint(byte[] current) {
        PendingComplaint p = PendingComplaint.decode(current);
        Envelope.Data data = p.data().withPayload(routeObservation(RouteObservation.decode(p.data().payload())));
        return write(out -> {
            out.writeByte(2);
            string(out, p.deliveryId());
            Header[] headers = p.headers().toArray();
            out.writeInt(headers.length);
            for (Header h : headers) {
                string(out, h.key());
                bytes(out, h.value());
            }
            out.write(EnvelopeSerde.write(data));
            out.writeInt(0);
        });
    }

    /** A route observation in wave 1's untagged layout, category by ordinal (-1 for none). */
    public static byte[] routeObservation(RouteObservation o) {
        return write(out -> {
            out.writeBoolean(o.complaint());
            string(out, o.region());
            string(out, o.route());
            out.writeLong(o.timeMs());
            out.writeBoolean(o.delivered());
            out.writeBoolean(o.onTime());
            out.writeLong(o.delayMs());
            out.writeByte(o.category() == null ? -1 : LegacyOrdinals.TICKET_CATEGORY.indexOf(o.category().name()));
        });
    }

    private interface Fields {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            fields.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }
}
