package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.family.KpiFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Logs a user can trust: the production `run` command over a backlog, from start-up to SIGTERM,
 * writes no WARN or ERROR line when nothing goes wrong (and its finals are right, so the run did
 * real work). Its state is kept under target/, not in the OS temp directory Kafka Streams warns about.
 */
@Tag("integration")
@Timeout(300)
class CleanLogIntegrationTest {

    @Test
    void shouldLogNoWarningOrErrorInACleanRunFromStartToSigterm() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry)) {
            Map<String, Integer> inputs = new HashMap<>();
            env.config.topics().inputs().forEach(t -> inputs.put(t, BacklogIntegrationTest.PARTITIONS));
            SharedBroker.get().createTopics(inputs); // `run` creates its outputs itself
            try (org.apache.kafka.clients.admin.Admin admin = SharedBroker.get().admin()) {
                ItEnvironment.keepForever(admin, inputs.keySet());
            }
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 3_000);
            Path state = Files.createDirectories(Path.of("target", "clean-log-" + env.id));
            Path log = Files.createTempFile("lastmile-clean-run-", ".log");
            Process run = env.startRunProcess(registry.url(), state.toAbsolutePath(), Map.of(), log);
            try (org.apache.kafka.clients.admin.Admin admin = SharedBroker.get().admin()) {
                StallIntegrationTest.await("run created its output topics", Duration.ofSeconds(120), () -> {
                    try {
                        return admin.listTopics().names().get().contains(env.topics.kpi(KpiFamilies.DELIVERY).name());
                    } catch (Exception e) {
                        return false;
                    }
                });
                List<ConsumerRecord<String, DeliveryKpi>> records = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(),
                        Duration.ofSeconds(180));
                expected.assertMatches(records);
            } finally {
                run.destroy(); // SIGTERM: a clean shutdown is part of a clean run
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("run stops on SIGTERM").isTrue();
            }
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).as("the run's log").anyMatch(l -> l.contains("-> RUNNING"));
            assertThat(lines).as("WARN and ERROR lines of a clean run")
                    .filteredOn(l -> l.contains(" WARN ") || l.contains(" ERROR ")).isEmpty();
        }
    }
}
