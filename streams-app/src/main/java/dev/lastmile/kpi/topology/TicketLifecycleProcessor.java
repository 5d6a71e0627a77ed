package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.codec.Payloads;
import dev.lastmile.kpi.kpi.RouteObservation;
import dev.lastmile.kpi.kpi.TicketLifecycle;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Follows each ticket through its events (they arrive in order, keyed by ticket_id, so one task
 * sees all of a ticket) and emits what the support KPIs count, plus each complaint for
 * attribution to a route. Markers pass straight through: nothing is buffered here, so they still
 * follow the records they cover. A ticket is forgotten once its last event is older than the
 * retention, measured against the newest event time seen.
 */
final class TicketLifecycleProcessor implements Processor<String, Gated<TicketEvent>, String, TicketOutput> {

    static final String STORE = "ticket-lifecycle";

    private final long retentionMs;
    private ProcessorContext<String, TicketOutput> context;
    private KeyValueStore<String, TicketLifecycle> tickets;
    private ExpirySweep<String, TicketLifecycle> sweep;
    private long newestEventTime = Long.MIN_VALUE;

    TicketLifecycleProcessor(Duration retention) {
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, TicketOutput> context) {
        this.context = context;
        this.tickets = context.getStateStore(STORE);
        this.sweep = new ExpirySweep<>(tickets);
        context.schedule(ExpirySweep.EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetOldTickets);
    }

    @Override
    public void process(Record<String, Gated<TicketEvent>> record) {
        if (record.value() instanceof Gated.Progress<TicketEvent> p) {
            context.forward(record.withKey(p.marker().source()).withValue(new TicketOutput.Progress(p.marker())));
            return;
        }
        Gated.Accepted<TicketEvent> accepted = (Gated.Accepted<TicketEvent>) record.value();
        TicketEvent e = accepted.event();
        newestEventTime = Math.max(newestEventTime, e.getEventTime().toEpochMilli());
        TicketLifecycle state = tickets.get(e.getTicketId());
        TicketLifecycle.Step step = (state == null ? TicketLifecycle.start(e) : state).apply(e);
        tickets.put(e.getTicketId(), step.state());
        boolean isComplaint = step.firstOpened() && RouteObservation.isComplaint(e.getCategory()) && e.getDeliveryId() != null;
        if (record.headers().lastHeader(RecordHeaderNames.LATE_FAMILIES) != null) {
            // At risk of being late (see LateCollector): name the families this event is sent to.
            record.headers().remove(RecordHeaderNames.LATE_FAMILIES);
            String families = Stream.of(step.fact().isPresent() ? SupportKpiWindows.NAME : null,
                    isComplaint ? RouteComplaintWindows.NAME : null, isComplaint ? PerfectOrderWindows.NAME : null).filter(Objects::nonNull).collect(Collectors.joining(","));
            if (!families.isEmpty()) {
                RecordHeaderNames.add(record.headers(), RecordHeaderNames.LATE_FAMILIES, families);
            }
        }
        step.fact().ifPresent(fact -> context.forward(record.withKey(fact.region())
                .withValue(new TicketOutput.Fact(fact.region(), accepted.envelope().withPayload(fact.encode())))));
        if (isComplaint) {
            RouteObservation complaint = RouteObservation.complaint(e.getRegion(), e.getCategory());
            context.forward(record.withKey(e.getDeliveryId()).withValue(new TicketOutput.Complaint(e.getDeliveryId(),
                    accepted.envelope().withPayload(complaint.encode()))));
        }
    }

    private void forgetOldTickets(long wallNow) {
        if (newestEventTime != Long.MIN_VALUE) {
            long cutoff = newestEventTime - retentionMs;
            sweep.sweep((id, t) -> t.lastEventAt() < cutoff, wallNow);
        }
    }

    /** Store serde of a ticket's lifecycle. */
    static Serde<TicketLifecycle> serde() {
        return Payloads.serde(TicketLifecycle::encode, TicketLifecycle::decode);
    }
}
