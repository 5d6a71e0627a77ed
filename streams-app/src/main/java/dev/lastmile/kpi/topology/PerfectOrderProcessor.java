package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.kpi.TimeWindows.HOUR_MS;

import dev.lastmile.kpi.kpi.DeliveryCounts;
import dev.lastmile.kpi.kpi.PerfectOrderObservation;
import dev.lastmile.kpi.kpi.TimeWindows;
import dev.lastmile.kpi.metrics.WatermarkMetrics;
import dev.lastmile.kpi.topology.PerfectOrderState.Candidate;
import dev.lastmile.kpi.topology.PerfectOrderState.Candidates;
import dev.lastmile.kpi.topology.PerfectOrderState.ComplaintTimes;
import dev.lastmile.kpi.watermark.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Judges each terminal delivery a perfect order or not: delivered on time, and no complaint about it
 * within {@code perfect.order.complaint.window} (W) before or after. Runs in the complaint join's task
 * (complaints are repartitioned by delivery id onto the delivery partitions), on the same input.
 *
 * <p>No delivery waits: each is counted at once, as perfect unless a complaint about it is already
 * known, and remembered while a complaint may still spoil it. A complaint that comes later emits a
 * correction at the delivery's time (one step of {@code complained}); the counts are exact sums, so
 * delivery-then-complaint and complaint-then-delivery give the same numbers. What waits is the
 * windows: a complaint counts only while the tickets' watermark has not closed its hour (end + grace,
 * as every window judges lateness), so once that watermark is W past a window's end no complaint can
 * change it. This task's progress marker says exactly that (the tickets' watermark minus W, in whole
 * hours), and the windows close by it and by the deliveries' own markers, passed through.
 *
 * <p>A complaint that comes after its hour closed spoils nothing and gets a "missed" verdict, so the
 * late collector copies it; one flagged at risk gets a "counted" verdict, so the collector knows
 * this family judged it.
 */
final class PerfectOrderProcessor implements Processor<String, AttributionInput, String, JoinOutput> {

    static final String NAME = "perfect-order-join";
    static final String CANDIDATES_STORE = "perfect-order-join-candidates";
    static final String COMPLAINTS_STORE = "perfect-order-join-complaints";
    static final String PROGRESS_STORE = "perfect-order-join-progress";

    private final long reachMs;
    private final long holdMs;
    private final long graceMs;
    private final long lookbackMs;
    private final Duration punctuateEvery;
    private final JoinProgress sides;

    private ProcessorContext<String, JoinOutput> context;
    private KeyValueStore<String, Candidates> candidates;
    private KeyValueStore<String, ComplaintTimes> complaints;
    private ExpirySweep<String, Candidates> candidateSweep;
    private ExpirySweep<String, ComplaintTimes> complaintSweep;

    PerfectOrderProcessor(Timings timings, Set<String> ticketSources, WatermarkMetrics metrics) {
        this.reachMs = timings.perfectOrderWindow().toMillis();
        this.holdMs = (reachMs + HOUR_MS - 1) / HOUR_MS * HOUR_MS;
        this.graceMs = timings.windowGrace().toMillis();
        this.lookbackMs = timings.complaintLookback().toMillis();
        this.punctuateEvery = timings.commitInterval();
        this.sides = new JoinProgress(NAME, ticketSources, timings, metrics);
    }

    @Override
    public void init(ProcessorContext<String, JoinOutput> context) {
        this.context = context;
        this.candidates = context.getStateStore(CANDIDATES_STORE);
        this.complaints = context.getStateStore(COMPLAINTS_STORE);
        sides.init(context, context.getStateStore(PROGRESS_STORE));
        candidateSweep = new ExpirySweep<>(candidates);
        complaintSweep = new ExpirySweep<>(complaints);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        context.schedule(ExpirySweep.EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetSettled);
    }

    @Override
    public void process(Record<String, AttributionInput> record) {
        long wallNow = context.currentSystemTimeMs();
        AttributionInput input = record.value();
        if (input instanceof AttributionInput.Delivery d) {
            if (DeliveryCounts.isTerminal(d.event().getStatus())) {
                delivery(record, d);
            }
            sides.ownSideAt(d.data().eventTimeMs());
        } else if (input instanceof AttributionInput.DeliveryProgress p) {
            context.forward(record.withKey(p.marker().source()).withValue(new JoinOutput.Forward(p.marker())));
            sides.ownSideAt(p.marker().eventTimeMs());
        } else if (input instanceof AttributionInput.Complaint c) {
            complaint(record, c);
        } else if (input instanceof AttributionInput.TicketProgress p) {
            sides.otherSideMarker(p.marker(), wallNow);
        }
        reportProgress(record.timestamp(), false);
    }

    @Override
    public void close() {
        sides.close();
    }

    private void delivery(Record<String, AttributionInput> record, AttributionInput.Delivery d) {
        String id = d.event().getDeliveryId();
        long time = d.data().eventTimeMs();
        ComplaintTimes known = complaints.get(id);
        PerfectOrderObservation o = PerfectOrderObservation.delivery(d.event(), known != null && known.anyWithin(time, reachMs));
        context.forward(record.withKey(o.region()).withValue(new JoinOutput.Forward(d.data().withPayload(o.encode()))));
        if (o.perfectSoFar()) {
            candidates.put(id, Candidates.of(candidates.get(id), new Candidate(time, o.region())));
        }
    }

    private void complaint(Record<String, AttributionInput> record, AttributionInput.Complaint c) {
        Envelope.Data data = c.data();
        long time = data.eventTimeMs();
        long hourEnd = TimeWindows.hourOf(time) + HOUR_MS;
        long watermark = sides.otherSide();
        boolean atRisk = record.headers().lastHeader(RecordHeaderNames.LATE_FAMILIES) != null;
        if (TimeWindows.isClosed(hourEnd, graceMs, watermark)) {
            context.forward(record.withKey((String) null).withValue(new JoinOutput.Late(new LateVerdict(PerfectOrderWindows.NAME, true,
                    false, watermark, time, hourEnd, data.source(), data.offset(), data.rawKey(), data.rawValue()))));
            return;
        }
        complaints.put(c.deliveryId(), ComplaintTimes.of(complaints.get(c.deliveryId()), time));
        Candidates waiting = candidates.get(c.deliveryId());
        if (waiting != null) {
            List<Candidate> kept = new ArrayList<>();
            for (Candidate d : waiting.list()) {
                if (Math.abs(time - d.timeMs()) > reachMs) {
                    kept.add(d);
                    continue;
                }
                // The correction belongs to the delivery's window; it is not the complaint's own record, so it
                // does not carry the at-risk flag (the verdict below answers for the complaint).
                PerfectOrderObservation spoiled = PerfectOrderObservation.complaintFor(d.region(), d.timeMs());
                Envelope.Data correction = new Envelope.Data(data.source(), data.offset(), d.timeMs(), data.rawKey(),
                        data.rawValue(), spoiled.encode());
                context.forward(new Record<String, JoinOutput>(d.region(), new JoinOutput.Forward(correction),
                        record.timestamp(), withoutAtRiskFlag(record.headers())));
            }
            if (kept.isEmpty()) {
                candidates.delete(c.deliveryId());
            } else if (kept.size() < waiting.list().size()) {
                candidates.put(c.deliveryId(), new Candidates(kept));
            }
        }
        if (atRisk) {
            context.forward(record.withKey((String) null).withValue(new JoinOutput.Late(new LateVerdict(PerfectOrderWindows.NAME, false,
                    false, watermark, time, hourEnd, data.source(), data.offset(), null, null))));
        }
    }

    private static Headers withoutAtRiskFlag(Headers headers) {
        Headers copy = new RecordHeaders(headers.toArray());
        copy.remove(RecordHeaderNames.LATE_FAMILIES);
        return copy;
    }

    private void punctuate(long wallNow) {
        sides.advance(wallNow);
        reportProgress(wallNow, true);
        sides.watch(wallNow);
    }

    /** No complaint that can still count reaches back more than W (whole hours) behind the tickets' watermark. */
    private void reportProgress(long timestamp, boolean flush) {
        long tickets = sides.otherSide();
        long value = tickets == Long.MIN_VALUE || tickets == Long.MAX_VALUE ? tickets : tickets - holdMs;
        Envelope.Marker marker = sides.report(value, flush);
        if (marker != null) {
            context.forward(new Record<String, JoinOutput>(marker.source(), new JoinOutput.Forward(marker),
                    Math.max(0, timestamp)));
        }
    }

    /**
     * A candidate is settled once every complaint hour within W of it is closed; a complaint is kept as long
     * as a delivery it could spoil may still count somewhere ({@code complaint.lookback} behind the newest).
     */
    private void forgetSettled(long wallNow) {
        long tickets = sides.otherSide();
        if (tickets != Long.MIN_VALUE) {
            candidateSweep.sweep((id, c) -> TimeWindows.isClosed(
                    TimeWindows.hourOf(TimeWindows.saturatedAdd(c.newest(), reachMs)) + HOUR_MS, graceMs, tickets), wallNow);
        }
        long deliveries = sides.ownSide();
        if (deliveries != Long.MIN_VALUE && deliveries != Long.MAX_VALUE) {
            long cutoff = deliveries - lookbackMs - reachMs;
            complaintSweep.sweep((id, c) -> c.newest() < cutoff, wallNow);
        }
    }
}
