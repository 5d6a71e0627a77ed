package dev.lastmile.kpi.sim;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Realistic delivery, ticket and survey streams, deterministic for a seed. Deliveries arrive per
 * region as a Poisson process; each is dispatched, goes out for delivery and ends DELIVERED or
 * FAILED around its promise. Late and failed deliveries raise tickets (with replies, escalations,
 * reopens) and poor surveys; on-time ones rarely do.
 *
 * <p>Known ground truth: in every region route {@code <region>-r01} is late about 40 times as often
 * as the others (~2% against 0.05%) and draws complaints; every delivery of the dip region that ends
 * in [dipFrom, dipUntil) of simulated time is late (half of them; all on the chronic route), so the on-time rate of
 * exactly those hours falls below the 0.93 target. Outside the dip every region stays inside every
 * alert target in every hour the alerts judge (see the shares below). A small share of events is
 * emitted out of order (within {@code maxDisorder}), twice, or broken on purpose.
 */
public final class Simulator {

    /**
     * Events a delivery brings on average (3 delivery events, tickets and surveys): to turn an event rate
     * into deliveries, as demo and simulate do.
     */
    public static final double EVENTS_PER_DELIVERY = 3.6;

    /*
     * Shares of deliveries that fail, and that miss their promise: most routes, the chronic route,
     * the other routes of the dip region in the dip. A failure counts against the on-time rate too.
     * With 8 routes a region is ~0.33% not on time (measured 0.34-0.44%). At the default 60
     * deliveries an hour (Poisson) an hour then breaches the 0.93 target (5 of 60 not on time, 2 of
     * 20, the fewest the alerts judge) about once in 60,000 region-hours: one false page in ~200
     * 72-hour, 4-region histories. At the old ~3.7% it was one hour in ten. The chronic route stays
     * ~30 times as late as the others, the correlation's hotspot.
     */
    static final double FAILED_SHARE = 0.0002;
    static final double CHRONIC_FAILED_SHARE = 0.003;
    static final double LATE_SHARE = 0.0005;
    static final double CHRONIC_LATE_SHARE = 0.02;
    /** In the dip the chronic route is late every time: it stays the hotspot of the windows with the dip. */
    static final double DIP_LATE_SHARE = 0.5;

    private static final long MIN = 60_000L;

    private record Scheduled(long emitAt, long seq, SimEvent event) {
    }

    private final SimulationSettings settings;
    private final Random random;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.emitAt != b.emitAt
            ? Long.compare(a.emitAt, b.emitAt) : Long.compare(a.seq, b.seq));
    private final long[] nextArrival;
    private final long startMs;
    private long seq;

    public Simulator(SimulationSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.startMs = settings.start().toEpochMilli();
        this.nextArrival = new long[settings.regions().size()];
        for (int i = 0; i < nextArrival.length; i++) {
            nextArrival[i] = startMs + interArrival();
        }
    }

    /**
     * Every event to emit up to simulated time {@code untilMs}, in emission order. The events do not
     * depend on how time is cut into calls: deliveries are created in arrival order across regions
     * (so the random draws come in the same order) and no event is emitted before its delivery
     * arrives. A restarted simulation can so replay exactly what it had sent before.
     */
    public List<SimEvent> advanceTo(long untilMs) {
        for (int r = earliestArrival(); nextArrival[r] <= untilMs; r = earliestArrival()) {
            createDelivery(settings.regions().get(r), nextArrival[r]);
            nextArrival[r] += interArrival();
        }
        List<SimEvent> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().emitAt <= untilMs) {
            out.add(queue.poll().event);
        }
        return out;
    }

    /** The region whose next delivery arrives first; the first such region on a tie. */
    private int earliestArrival() {
        int earliest = 0;
        for (int r = 1; r < nextArrival.length; r++) {
            if (nextArrival[r] < nextArrival[earliest]) {
                earliest = r;
            }
        }
        return earliest;
    }

    /** Every event still scheduled (follow-ups of deliveries already created), creating no new deliveries. */
    public List<SimEvent> drain() {
        List<SimEvent> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            out.add(queue.poll().event);
        }
        return out;
    }

    private long interArrival() {
        double meanMs = 3_600_000.0 / settings.deliveriesPerHour();
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * meanMs));
    }

    private void createDelivery(String region, long t) {
        int routeIndex = 1 + random.nextInt(settings.routesPerRegion());
        String route = String.format("%s-r%02d", region, routeIndex);
        boolean chronic = route.equals(SimulationSettings.chronicallyLateRoute(region));
        String driver = route + "-d" + (1 + random.nextInt(settings.driversPerRoute()));
        String id = "D" + Long.toString(t, 36).toUpperCase() + "-" + (seq++);
        long promised = roundTo15(t + (60 + random.nextInt(121)) * MIN);
        long outFor = t + (10 + random.nextInt(31)) * MIN;
        // Delivered about 40 minutes inside the promise, never after it unless drawn late below.
        long end = Math.min(promised, Math.max(outFor + 5 * MIN,
                promised + (long) ((random.nextGaussian() * 12 - 40) * MIN)));
        boolean dip = region.equals(settings.dipRegion()) && end >= startMs + settings.dipFrom().toMillis()
                && end < startMs + settings.dipUntil().toMillis();
        boolean failed = random.nextDouble() < (chronic ? CHRONIC_FAILED_SHARE : FAILED_SHARE);
        double lateShare = dip ? (chronic ? 1 : DIP_LATE_SHARE) : chronic ? CHRONIC_LATE_SHARE : LATE_SHARE;
        if (random.nextDouble() < lateShare && !failed) {
            // Lateness moves the promise, never the delivery: the terminal event's time, and so the
            // hour that counts it, is the same late or not. The dip so covers exactly the hours of
            // [dipFrom, dipUntil), and a history's last hours are not left with the late deliveries.
            promised = roundTo15(end - (5 + random.nextInt(56)) * MIN);
        }
        // 450-750 cents, mean 600: an hour of 20 deliveries stays under the 750 target by 7 standard deviations.
        long cost = 450 + random.nextInt(301);

        schedule(delivery(id, route, driver, region, DeliveryStatus.DISPATCHED, t, promised, 0), true);
        schedule(delivery(id, route, driver, region, DeliveryStatus.OUT_FOR_DELIVERY, outFor, promised, 0), true);
        DeliveryStatus status = failed ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED;
        schedule(delivery(id, route, driver, region, status, end, promised, cost), true);

        boolean late = !failed && end > promised;
        // The chronic route draws complaints on time too (its drivers' conduct), so it stays the
        // hotspot while it runs late only a few times a day.
        double ticketChance = failed ? 0.6 : late ? (chronic ? 0.45 : 0.3) : chronic ? 0.08 : 0.03;
        if (random.nextDouble() < ticketChance) {
            TicketCategory category = failed ? TicketCategory.MISSED_DELIVERY : late ? TicketCategory.LATE_DELIVERY
                    : chronic ? TicketCategory.DRIVER_CONDUCT : TicketCategory.values()[2 + random.nextInt(5)];
            createTicket(region, id, category, end + (10 + random.nextInt(170)) * MIN);
        }
        if (random.nextDouble() < 0.01) {
            createTicket(region, null, TicketCategory.BILLING, end + random.nextInt(600) * MIN);
        }
        if (random.nextDouble() < 0.3) {
            createSurvey(region, id, late, failed, chronic, end + (30 + random.nextInt(211)) * MIN);
        }
        // A delivery brings ~3.6 events: ~4x the share per delivery makes it the share of all events.
        if (random.nextDouble() < settings.invalidShare() * 4) {
            createInvalid(id, route, driver, region, end, promised);
        }
    }

    private void createTicket(String region, String deliveryId, TicketCategory category, long opened) {
        String id = "T" + (seq++);
        TicketChannel channel = TicketChannel.values()[random.nextInt(TicketChannel.values().length)];
        long t = opened;
        schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.OPENED, t, null), false);
        if (random.nextDouble() < 0.85) {
            t += (5 + random.nextInt(86)) * MIN;
            schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.AGENT_REPLY, t, agent()), false);
        }
        // Customer replies and escalations before the resolution (each breaks first-contact
        // resolution) are rare (~1.1% of tickets, was ~12%): an hour judged on 20 resolved tickets
        // would breach the 0.82 target with 4 of them. At the demo's ~17 resolved tickets an hour
        // that is about one region-hour in 80,000 (it was one in 20).
        if (random.nextDouble() < 0.006) {
            t += (10 + random.nextInt(51)) * MIN;
            schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.CUSTOMER_REPLY, t, null), false);
        }
        if (random.nextDouble() < 0.005) {
            t += (5 + random.nextInt(60)) * MIN;
            schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.ESCALATED, t, agent()), false);
        }
        if (random.nextDouble() < 0.9) {
            t += (20 + random.nextInt(221)) * MIN;
            schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.RESOLVED, t, agent()), false);
            if (random.nextDouble() < 0.08) {
                t += (30 + random.nextInt(600)) * MIN;
                schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.REOPENED, t, null), false);
                t += (20 + random.nextInt(200)) * MIN;
                schedule(ticket(id, deliveryId, region, category, channel, TicketEventType.RESOLVED, t, agent()), false);
            }
        }
    }

    private void createSurvey(String region, String deliveryId, boolean late, boolean failed, boolean chronic, long t) {
        double k = random.nextDouble();
        SurveyKind kind = k < 0.6 ? SurveyKind.CSAT : k < 0.9 ? SurveyKind.NPS : SurveyKind.CES;
        boolean bad = failed || late;
        int score = switch (kind) {
            case CSAT -> bad ? 1 + random.nextInt(3) : 3 + random.nextInt(3);
            case NPS -> bad ? random.nextInt(8) : 6 + random.nextInt(5);
            case CES -> bad ? 4 + random.nextInt(4) : 1 + random.nextInt(4);
        };
        List<String> reasons = new ArrayList<>();
        if (late) {
            reasons.add("late");
        }
        if (failed) {
            reasons.add("missed");
        }
        if (chronic && random.nextBoolean()) {
            reasons.add("driver_communication");
        }
        if (random.nextDouble() < 0.05) {
            reasons.add("damaged");
        }
        String id = "S" + (seq++);
        schedule(new SimEvent(SimEvent.Source.SURVEY, id, SurveyResponse.newBuilder().setEventId("ev-" + id)
                .setSurveyId(id).setDeliveryId(deliveryId).setTicketId(null).setRegion(region).setKind(kind)
                .setScore(score).setReasons(reasons).setEventTime(Instant.ofEpochMilli(t)).build(), t, null), true);
    }

    private void createInvalid(String id, String route, String driver, String region, long t, long promised) {
        int kind = random.nextInt(3);
        if (kind == 0) {
            DeliveryEvent e = (DeliveryEvent) delivery(id, route, driver, region, DeliveryStatus.DELIVERED, t,
                    promised, -100).event();
            e.setEventId("bad-cost-" + (seq++));
            schedule(new SimEvent(SimEvent.Source.DELIVERY, id, e, t, "negative cost_cents"), false);
        } else if (kind == 1) {
            DeliveryEvent e = (DeliveryEvent) delivery(id, route, driver, region, DeliveryStatus.FAILED, t, promised,
                    300).event();
            e.setEventId("no-promise-" + (seq++));
            e.setPromisedBy(null);
            schedule(new SimEvent(SimEvent.Source.DELIVERY, id, e, t, "terminal event without promised_by"), false);
        } else {
            String sid = "S" + (seq++);
            schedule(new SimEvent(SimEvent.Source.SURVEY, sid, SurveyResponse.newBuilder().setEventId("bad-" + sid)
                    .setSurveyId(sid).setRegion(region).setKind(SurveyKind.CSAT).setScore(9)
                    .setEventTime(Instant.ofEpochMilli(t)).build(), t, "CSAT score out of range"), false);
        }
    }

    private String agent() {
        return "agent-" + (1 + random.nextInt(40));
    }

    /** Schedules an event; deliveries and surveys may be emitted late (within grace) or twice. */
    private void schedule(SimEvent event, boolean mayDisorder) {
        long emitAt = event.timeMs();
        if (mayDisorder && random.nextDouble() < settings.disorderShare()) {
            emitAt += 1 + (long) (random.nextDouble() * settings.maxDisorder().toMillis());
        }
        queue.add(new Scheduled(emitAt, seq++, event));
        if (!event.invalid() && random.nextDouble() < settings.duplicateShare()) {
            queue.add(new Scheduled(emitAt + 1_000 + random.nextInt(60_000), seq++, event));
        }
    }

    private SimEvent delivery(String id, String route, String driver, String region, DeliveryStatus status, long t,
                              long promised, long cost) {
        boolean terminal = status == DeliveryStatus.DELIVERED || status == DeliveryStatus.FAILED;
        DeliveryEvent e = DeliveryEvent.newBuilder().setEventId(id + "-" + status).setDeliveryId(id)
                .setRouteId(route).setDriverId(driver).setRegion(region).setStatus(status)
                .setEventTime(Instant.ofEpochMilli(t)).setPromisedBy(Instant.ofEpochMilli(promised))
                .setCostCents(terminal ? cost : 0).build();
        return new SimEvent(SimEvent.Source.DELIVERY, id, e, t, null);
    }

    private SimEvent ticket(String id, String deliveryId, String region, TicketCategory category,
                            TicketChannel channel, TicketEventType type, long t, String agent) {
        TicketEvent e = TicketEvent.newBuilder().setEventId(id + "-" + type + "-" + t).setTicketId(id)
                .setDeliveryId(deliveryId).setRegion(region).setCategory(category).setChannel(channel).setType(type)
                .setEventTime(Instant.ofEpochMilli(t)).setAgentId(agent).build();
        return new SimEvent(SimEvent.Source.TICKET, id, e, t, null);
    }

    private static long roundTo15(long t) {
        return t - Math.floorMod(t, 15 * MIN);
    }
}
