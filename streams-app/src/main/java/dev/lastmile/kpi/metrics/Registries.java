package dev.lastmile.kpi.metrics;

import io.micrometer.core.instrument.Meter;
import java.util.Arrays;
import java.util.Set;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry of a running pipeline, with JVM and process metrics bound. */
public final class Registries {

    /**
     * Keeps every exported meter within Prometheus conventions as {@code promtool check metrics}
     * checks them, whatever a library registers: a meter in nanoseconds or milliseconds (some Kafka
     * client internals, process CPU time) is left out rather than exported under a wrong unit; so is
     * a gauge named "*.count" (Prometheus reserves the suffix for histograms; renaming it instead
     * makes the Kafka binder re-register it every minute), and a meter without help text.
     */
    static final MeterFilter PROMETHEUS_CONVENTIONS = new MeterFilter() {
        private static final Set<String> ABBREVIATED_UNITS = Set.of("ns", "ms");

        @Override
        public MeterFilterReply accept(Meter.Id id) {
            boolean noHelp = id.getDescription() == null || id.getDescription().isBlank();
            boolean abbreviated = id.getBaseUnit() != null && ABBREVIATED_UNITS.contains(id.getBaseUnit())
                    || Arrays.stream(id.getName().split("[.\\-_]")).anyMatch(ABBREVIATED_UNITS::contains);
            boolean countGauge = id.getType() != Meter.Type.COUNTER
                    && (id.getName().endsWith(".count") || id.getName().endsWith("-count"));
            return noHelp || abbreviated || countGauge ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }
    };

    private Registries() {
    }

    public static PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(PROMETHEUS_CONVENTIONS);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Lives as long as the registry: it only listens to GC notifications.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }
}
