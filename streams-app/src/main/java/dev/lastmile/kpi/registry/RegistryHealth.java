package dev.lastmile.kpi.registry;

import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the schema registry answers, as the pipeline's registry calls find out: an outage is
 * logged once at WARN when it starts and once at INFO when a call succeeds again, never per record;
 * readiness reports it; {@code lastmile_schema_registry_failures_total{operation}} counts every
 * failed call and {@code lastmile_schema_registry_up} is 0 during an outage. Every meter exists
 * from the start, so dashboards and alerts see 0 rather than nothing.
 */
public final class RegistryHealth {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHealth.class);
    /** Operations that reach the registry: reading a writer schema, registering an output schema. */
    public static final String FETCH = "fetch";
    public static final String REGISTER = "register";

    private final String url;
    private final Clock clock;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private volatile Instant failingSince;
    private volatile String lastError = "";
    private long failuresThisOutage;

    public RegistryHealth(String url, MeterRegistry meters, Clock clock) {
        this.url = url;
        this.clock = clock;
        for (String operation : new String[] {FETCH, REGISTER}) {
            failures.put(operation, Counter.builder("lastmile.schema.registry.failures")
                    .description("Schema registry calls that failed because the registry was unreachable, failing "
                            + "or refused the credentials (retried; no record is dropped for it)")
                    .tag("operation", operation).register(meters));
        }
        Gauge.builder("lastmile.schema.registry.up", this, h -> h.failingSince == null ? 1 : 0)
                .description("1 while the schema registry answers the pipeline's calls, 0 during an outage")
                .register(meters);
    }

    public RegistryHealth(String url, MeterRegistry meters) {
        this(url, meters, Clock.systemUTC());
    }

    /** A registry call failed with an outage (it is retried by the caller). */
    public void failed(String operation, SchemaRegistryUnavailableException e) {
        failures.get(operation).increment();
        lastError = e.getMessage();
        synchronized (this) {
            failuresThisOutage++;
            if (failingSince == null) {
                failingSince = clock.instant();
                LOG.warn("Schema registry {} is failing ({}); input records wait and KPI output waits until it "
                        + "answers again, none goes to the DLQ: retrying", url, e.getMessage());
            }
        }
    }

    /** A registry call succeeded; ends an outage if there was one. Cheap: called for every output record. */
    public void succeeded() {
        if (failingSince == null) {
            return;
        }
        synchronized (this) {
            if (failingSince != null) {
                LOG.info("Schema registry {} answers again after {} ({} failed calls); processing resumes", url,
                        Duration.between(failingSince, clock.instant()), failuresThisOutage);
                failingSince = null;
                failuresThisOutage = 0;
            }
        }
    }

    /** Why the pipeline is not ready because of the registry, or empty while it answers. */
    public Optional<String> problem() {
        Instant since = failingSince;
        return since == null ? Optional.empty() : Optional.of("schema registry " + url + " failing since " + since
                + ": " + lastError);
    }

    public String url() {
        return url;
    }
}
