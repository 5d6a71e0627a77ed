package dev.lastmile.kpi.family;

import static dev.lastmile.kpi.family.KpiGaugeSet.count;
import static dev.lastmile.kpi.family.KpiGaugeSet.gauge;
import static dev.lastmile.kpi.family.KpiGaugeSet.minutesAsSeconds;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.kpi.AlertRules;
import java.util.List;

/**
 * Every KPI family, declared once. The order is the order of the output topics, of the families in
 * replay's output file and in the demo's banner.
 */
public final class KpiFamilies {

    public static final KpiFamily<DeliveryKpi> DELIVERY = KpiFamily.<DeliveryKpi>of("delivery-kpi",
                    "topic.kpi.delivery", "lastmile.kpi.delivery", "Output: delivery KPIs.", DeliveryKpi.getClassSchema())
            .withAlerts(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY ? AlertRules.of(k) : List.of())
            .withGauges(new KpiGaugeSet<>("delivery", k -> true,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$()), List.of(
                    gauge("lastmile_on_time_ratio", "On-time rate: DELIVERED on or before promised_by over deliveries", DeliveryKpi::getOnTimeRate),
                    gauge("lastmile_delivery_success_ratio", "Delivery success rate: DELIVERED over deliveries", DeliveryKpi::getSuccessRate),
                    minutesAsSeconds("lastmile_delivery_delay_seconds", "Mean delay of late DELIVERED events", DeliveryKpi::getAvgDelayMinutes),
                    gauge("lastmile_cost_per_delivery_cents", "Cost per delivery attempt, cents", DeliveryKpi::getCostPerDeliveryCents),
                    gauge("lastmile_cost_per_successful_delivery_cents", "Cost per DELIVERED delivery, cents", DeliveryKpi::getCostPerSuccessfulDeliveryCents),
                    count("lastmile_deliveries", "Terminal deliveries in the window (sample size of the delivery KPIs)", DeliveryKpi::getDeliveries))));

    /** The support KPIs of resolved tickets and their sample size: per region, and per region and ticket category. */
    private static final List<KpiGaugeSet.Gauge<SupportKpi>> SUPPORT_RESOLUTION = List.of(
            gauge("lastmile_first_contact_resolution_ratio", "Resolved tickets with no customer reply or escalation before resolution", SupportKpi::getFirstContactResolutionRate),
            gauge("lastmile_escalation_ratio", "Resolved tickets escalated before resolution", SupportKpi::getEscalationRate),
            gauge("lastmile_repeat_contact_ratio", "Resolved tickets with a customer reply before resolution", SupportKpi::getRepeatContactRate),
            minutesAsSeconds("lastmile_resolution_time_seconds", "Mean time from OPENED to first RESOLVED", SupportKpi::getAvgResolutionMinutes),
            minutesAsSeconds("lastmile_first_response_time_seconds", "Mean time from OPENED to first agent reply", SupportKpi::getAvgFirstResponseMinutes),
            count("lastmile_tickets_resolved", "Tickets first resolved in the window (sample size of the resolution KPIs)", SupportKpi::getResolved));

    public static final KpiFamily<SupportKpi> SUPPORT = KpiFamily.<SupportKpi>of("support-kpi",
                    "topic.kpi.support", "lastmile.kpi.support", "Output: support KPIs.", SupportKpi.getClassSchema())
            .withAlerts(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY && k.getCategory() == null
                    ? AlertRules.of(k) : List.of())
            .withGauges(new KpiGaugeSet<>("support", k -> k.getCategory() == null,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$()),
                    java.util.stream.Stream.concat(SUPPORT_RESOLUTION.stream(), java.util.stream.Stream.of(
                    count("lastmile_tickets_opened", "OPENED ticket events in the window", SupportKpi::getOpened),
                    count("lastmile_tickets_reopened", "REOPENED ticket events in the window", SupportKpi::getReopened))).toList()))
            // Per ticket category (7 values), rolling 24 h only: an hour per category is mostly too few tickets.
            .withGauges(new KpiGaugeSet<>("support", k -> k.getCategory() != null && k.getWindow() == WindowKind.ROLLING_24H,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$(),
                            java.util.Map.of("category", k.getCategory().name())),
                    SUPPORT_RESOLUTION.stream().map(g -> new KpiGaugeSet.Gauge<>(
                            "lastmile_by_category_" + g.name().substring("lastmile_".length()),
                            g.help() + ", per ticket category", g.value())).toList()));

    public static final KpiFamily<ExperienceKpi> EXPERIENCE = KpiFamily.<ExperienceKpi>of("experience-kpi",
                    "topic.kpi.experience", "lastmile.kpi.experience", "Output: experience KPIs.",
                    ExperienceKpi.getClassSchema())
            .withGauges(new KpiGaugeSet<>("experience", k -> true,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$()), List.of(
                    gauge("lastmile_csat_ratio", "Share of CSAT scores 4 or 5", ExperienceKpi::getCsatRate),
                    gauge("lastmile_csat_score", "Mean CSAT score (1-5)", ExperienceKpi::getCsatAvg),
                    gauge("lastmile_nps_score", "Net promoter score (-100..100)", ExperienceKpi::getNps),
                    gauge("lastmile_ces_score", "Mean customer effort score (1-7)", ExperienceKpi::getCesAvg),
                    count("lastmile_csat_responses", "CSAT responses in the window", ExperienceKpi::getCsatResponses),
                    count("lastmile_nps_responses", "NPS responses in the window", ExperienceKpi::getNpsResponses),
                    count("lastmile_ces_responses", "CES responses in the window", ExperienceKpi::getCesResponses))));

    public static final KpiFamily<RouteComplaintKpi> ROUTE_COMPLAINTS = KpiFamily.<RouteComplaintKpi>of(
                    "route-complaints", "topic.kpi.route-complaints", "lastmile.kpi.route-complaints",
                    "Output: route delay / complaint correlation.", RouteComplaintKpi.getClassSchema())
            .withGauges(new KpiGaugeSet<>("route_complaints", k -> k.getLevel() == CorrelationLevel.REGION,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$()), List.of(
                    gauge("lastmile_route_complaint_correlation", "Pearson r of route late rate and complaint rate", RouteComplaintKpi::getPearsonR),
                    count("lastmile_route_hotspots", "Routes whose late and complaint rates are both 1.5x the region's", k -> k.getHotspots().size()),
                    gauge("lastmile_complaint_ratio", "Complaints attributed to the region's routes per delivery", RouteComplaintKpi::getComplaintRate),
                    gauge("lastmile_route_late_ratio", "Late or failed deliveries per delivery over the region's routes", RouteComplaintKpi::getLateRate))));

    public static final KpiFamily<PerfectOrderKpi> PERFECT_ORDER = KpiFamily.<PerfectOrderKpi>of("perfect-order",
                    "topic.kpi.perfect-order", "lastmile.kpi.perfect-order", "Output: perfect-order KPIs.",
                    PerfectOrderKpi.getClassSchema())
            .withGauges(new KpiGaugeSet<>("perfect_order", k -> true,
                    k -> new KpiGaugeSet.Window(k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$()), List.of(
                    gauge("lastmile_perfect_order_ratio", "Perfect orders (delivered on time, no complaint within perfect.order.complaint.window) per delivery", PerfectOrderKpi::getPerfectOrderRate),
                    count("lastmile_perfect_order_complained", "On-time deliveries spoiled by a complaint so far", PerfectOrderKpi::getComplained))));

    public static final List<KpiFamily<?>> ALL = List.of(DELIVERY, SUPPORT, EXPERIENCE, ROUTE_COMPLAINTS, PERFECT_ORDER);

    private KpiFamilies() {
    }
}
