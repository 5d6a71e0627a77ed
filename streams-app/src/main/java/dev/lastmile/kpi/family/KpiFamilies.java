package dev.lastmile.kpi.family;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.ExperienceKpi;
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
            .withAlerts(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY ? AlertRules.of(k) : List.of());

    public static final KpiFamily<SupportKpi> SUPPORT = KpiFamily.<SupportKpi>of("support-kpi",
                    "topic.kpi.support", "lastmile.kpi.support", "Output: support KPIs.", SupportKpi.getClassSchema())
            .withAlerts(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY && k.getCategory() == null
                    ? AlertRules.of(k) : List.of());

    public static final KpiFamily<ExperienceKpi> EXPERIENCE = KpiFamily.of("experience-kpi",
            "topic.kpi.experience", "lastmile.kpi.experience", "Output: experience KPIs.",
            ExperienceKpi.getClassSchema());

    public static final KpiFamily<RouteComplaintKpi> ROUTE_COMPLAINTS = KpiFamily.of("route-complaints",
            "topic.kpi.route-complaints", "lastmile.kpi.route-complaints",
            "Output: route delay / complaint correlation.", RouteComplaintKpi.getClassSchema());

    public static final List<KpiFamily<?>> ALL = List.of(DELIVERY, SUPPORT, EXPERIENCE, ROUTE_COMPLAINTS);

    private KpiFamilies() {
    }
}
