package dev.lastmile.kpi.registry;

import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The registry client of a pipeline whose registry is a remote service ({@code run}, and the tests
 * that play its outages): HTTP with a short request timeout, retried during outages, with its
 * health reported for readiness, logs and metrics. Built in one place so they cannot drift apart.
 *
 * @param client what the topology's serdes use
 * @param health what readiness asks
 */
public record RemoteRegistry(SchemaRegistryClient client, RegistryHealth health) {

    public static RemoteRegistry connect(PipelineConfig config, MeterRegistry meters) {
        SchemaRegistryClient http = SchemaRegistryClients.forUrl(config.schemaRegistryUrl(),
                config.schemaRegistryAuth(), RetryingRegistryClient.REQUEST_TIMEOUT);
        RegistryHealth health = new RegistryHealth(http.url(), meters);
        return new RemoteRegistry(new RetryingRegistryClient(http, health, config.registryRetryBudget()), health);
    }
}
