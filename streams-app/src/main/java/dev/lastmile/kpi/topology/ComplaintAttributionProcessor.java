package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadFormatException;
import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.codec.Payloads;
import dev.lastmile.kpi.kpi.DeliveryCounts;
import dev.lastmile.kpi.kpi.RouteObservation;
import dev.lastmile.kpi.metrics.WatermarkMetrics;
import dev.lastmile.kpi.watermark.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Attributes each complaint to the route of its delivery: a stream-table join on delivery_id,
 * gated by event time.
 *
 * <p>Why this join: the route of a delivery is fixed, so a table of delivery_id -> route (the
 * last 7 days of deliveries, by event time) holds all a complaint needs, one small entry per
 * delivery, where a windowed stream-stream join would buffer every delivery event and every
 * complaint. But a plain table lookup is wrong whenever tickets are read ahead of deliveries (a
 * backlog, a lagging partition): the complaint would find nothing and be counted UNKNOWN. So a
 * complaint whose delivery is not known yet waits, in a store, until this task's delivery
 * partition has reached the complaint's event time (its gate vouches for the wall clock once it
 * has read the partition to the end, so a quiet partition releases them too); only then is it
 * UNKNOWN. A delivery partition that is silent because its task is not running cannot release
 * anything: the delivery gate runs in this very task. Tickets
 * are re-keyed by delivery_id onto as many partitions as the delivery topic, so partition p of
 * both lands in this task (the usual co-partitioning of a Kafka Streams join).
 *
 * <p>Downstream windows must not close over a waiting complaint, so this task reports its own
 * progress as source {@code complaint-join:<partition>}: the tickets' watermark, held below the
 * oldest waiting complaint. Delivery observations and delivery markers pass straight through.
 */
final class ComplaintAttributionProcessor implements Processor<String, AttributionInput, String, Envelope> {

    static final String NAME = "complaint-join";
    static final String ROUTES_STORE = "complaint-join-routes";
    static final String PENDING_STORE = "complaint-join-pending";
    static final String PROGRESS_STORE = "complaint-join-progress";

    private final long lookbackMs;
    private final Duration punctuateEvery;
    private final JoinProgress sides;

    private ProcessorContext<String, Envelope> context;
    private KeyValueStore<String, RouteRef> routes;
    private ExpirySweep<String, RouteRef> routeSweep;
    private PendingQueue pending;

    ComplaintAttributionProcessor(Timings timings, Set<String> ticketSources, WatermarkMetrics metrics) {
        this.lookbackMs = timings.complaintLookback().toMillis();
        this.punctuateEvery = timings.commitInterval();
        this.sides = new JoinProgress(NAME, ticketSources, timings, metrics);
    }

    @Override
    public void init(ProcessorContext<String, Envelope> context) {
        this.context = context;
        this.routes = context.getStateStore(ROUTES_STORE);
        this.pending = new PendingQueue(context.getStateStore(PENDING_STORE));
        sides.init(context, context.getStateStore(PROGRESS_STORE));
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        routeSweep = new ExpirySweep<>(routes);
        context.schedule(ExpirySweep.EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetOldDeliveries);
    }

    @Override
    public void process(Record<String, AttributionInput> record) {
        long wallNow = context.currentSystemTimeMs();
        AttributionInput input = record.value();
        if (input instanceof AttributionInput.Delivery d) {
            String id = d.event().getDeliveryId();
            long time = d.data().eventTimeMs();
            routes.put(id, RouteRef.merge(routes.get(id), d.event().getRouteId(), d.event().getRegion(), time));
            if (DeliveryCounts.isTerminal(d.event().getStatus())) {
                RouteObservation o = RouteObservation.delivery(d.event());
                context.forward(record.withKey(o.region()).withValue(d.data().withPayload(o.encode())));
            }
            advanceDeliveries(time);
        } else if (input instanceof AttributionInput.DeliveryProgress p) {
            context.forward(record.withKey(p.marker().source()).withValue(p.marker()));
            advanceDeliveries(p.marker().eventTimeMs());
        } else if (input instanceof AttributionInput.Complaint c) {
            Envelope.Data data = c.data();
            if (routes.get(c.deliveryId()) != null || sides.ownSide() >= data.eventTimeMs()) {
                attribute(c.deliveryId(), data, record.timestamp(), record.headers());
            } else {
                pending.hold(data.eventTimeMs(), data.source(), data.offset(),
                        PendingComplaint.encode(c.deliveryId(), data, record.headers()));
            }
        } else if (input instanceof AttributionInput.TicketProgress p) {
            sides.otherSideMarker(p.marker(), wallNow);
        }
        reportProgress(record.timestamp(), false);
    }

    @Override
    public void close() {
        sides.close();
    }

    /** The delivery side moved to {@code time}: every complaint waiting up to it can be attributed now. */
    private void advanceDeliveries(long time) {
        if (sides.ownSideAt(time)) {
            for (byte[] held : pending.releaseUpTo(time)) {
                PendingComplaint p = PendingComplaint.decode(held);
                attribute(p.deliveryId(), p.data(), p.data().eventTimeMs(), p.headers());
            }
        }
    }

    private void attribute(String deliveryId, Envelope.Data data, long timestamp, Headers headers) {
        RouteObservation complaint = RouteObservation.decode(data.payload());
        long time = data.eventTimeMs();
        RouteRef ref = routes.get(deliveryId);
        RouteObservation attributed = ref != null && ref.firstSeen() <= time && ref.lastSeen() >= time - lookbackMs
                ? complaint.attributedTo(ref.region(), ref.route(), time)
                : complaint.attributedTo(complaint.region(), RouteObservation.UNKNOWN_ROUTE, time);
        // The original headers go along, so a complaint that turns out late keeps them.
        context.forward(new Record<String, Envelope>(attributed.region(), data.withPayload(attributed.encode()),
                timestamp, headers));
    }

    private void punctuate(long wallNow) {
        sides.advance(wallNow);
        reportProgress(wallNow, true);
        sides.watch(wallNow);
    }

    /** This task's complaint progress: the tickets' watermark, held below any waiting complaint. */
    private void reportProgress(long timestamp, boolean flush) {
        Envelope.Marker marker = sides.report(pending.holdBelowOldest(sides.otherSide()), flush);
        if (marker != null) {
            context.forward(new Record<String, Envelope>(marker.source(), marker, Math.max(0, timestamp)));
        }
    }

    private void forgetOldDeliveries(long wallNow) {
        long deliveryMax = sides.ownSide();
        if (deliveryMax != Long.MIN_VALUE && deliveryMax != Long.MAX_VALUE) {
            long cutoff = deliveryMax - lookbackMs;
            routeSweep.sweep((id, ref) -> ref.lastSeen() < cutoff, wallNow);
        }
    }

    /**
     * A delivery's route and region, and the span of event time its events were seen in: the value
     * of the routes store. Version 1: first seen, last seen, region, route. Wave 1 stored the text
     * "first TAB last TAB region TAB route" instead; its first byte is a digit or '-', never 1, so
     * such values are still read.
     */
    record RouteRef(String route, String region, long firstSeen, long lastSeen) {

        private static final String FORMAT = "route reference";
        private static final int VERSION = 1;

        static RouteRef merge(RouteRef old, String route, String region, long time) {
            return old == null ? new RouteRef(route, region, time, time)
                    : new RouteRef(route, region, Math.min(old.firstSeen, time), Math.max(old.lastSeen, time));
        }

        static Serde<RouteRef> serde() {
            return Payloads.serde(RouteRef::encode, RouteRef::decode);
        }

        byte[] encode() {
            return PayloadWriter.version(VERSION).writeLong(firstSeen).writeLong(lastSeen).writeString(region)
                    .writeString(route).toBytes();
        }

        static RouteRef decode(byte[] bytes) {
            PayloadReader in = PayloadReader.open(FORMAT, bytes);
            if (in.version() == '-' || in.version() >= '0' && in.version() <= '9') {
                return decodeWave1(new String(bytes, StandardCharsets.UTF_8));
            }
            if (in.version() != VERSION) {
                throw in.unsupportedVersion();
            }
            long first = in.readLong();
            long last = in.readLong();
            String region = in.readString();
            RouteRef ref = new RouteRef(in.readString(), region, first, last);
            in.end();
            return ref;
        }

        private static RouteRef decodeWave1(String s) {
            String[] f = s.split("\t", 4);
            try {
                return new RouteRef(f[3], f[2], Long.parseLong(f[0]), Long.parseLong(f[1]));
            } catch (RuntimeException e) {
                throw new PayloadFormatException(FORMAT, 0, "wave 1 text \"" + s + "\"", e);
            }
        }
    }
}
