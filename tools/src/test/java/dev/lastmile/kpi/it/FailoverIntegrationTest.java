package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances share a multi-day backlog with standby replicas; one (the production `run`
 * command in its own JVM) is killed with SIGKILL mid-backlog and restarted later on its same
 * state directory. Every final equals the recomputation, exactly one final per window reaches
 * read_committed consumers, nothing is late, and the time from the kill to the next final is
 * printed (failover time).
 */
@Tag("integration")
@Timeout(480)
class FailoverIntegrationTest {

    @Test
    void shouldFailOverToTheSurvivorAndTakeTheKilledInstanceBackOnItsOwnState() throws Exception {
        // -Dfailover.session.timeout.ms=15000 measures another session timeout (README, Failover time).
        String sessionTimeout = System.getProperty("failover.session.timeout.ms", "10000");
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of("kafka.num.standby.replicas", "1",
                "kafka.max.poll.records", "200", "kafka.consumer.session.timeout.ms", sessionTimeout));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry);
             Admin admin = SharedBroker.get().admin()) {
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 30_000);
            Path stateB = Files.createTempDirectory("lastmile-failover-b-");
            Process b = env.startRunProcess(registry.url(), stateB, Map.of(),
                    Files.createTempFile("lastmile-failover-run-", ".log"));
            Process restarted = null;
            try (Pipeline a = new Pipeline(env.config, env.options(BacklogIntegrationTest.PARTITIONS)).start()) {
                StallIntegrationTest.await("both instances share the work", Duration.ofSeconds(120),
                        () -> a.isRunning() && StallIntegrationTest.stableWithTwoMembers(admin, env.config.applicationId()));
                // Mid-backlog: some finals written, not all.
                env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> !ExpectedDeliveryKpis.finals(read).isEmpty(), Duration.ofSeconds(120));
                b.destroyForcibly(); // SIGKILL
                long killedAt = System.nanoTime();
                assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int finalsAtKill = ExpectedDeliveryKpis.finals(readKpis(env)).size();
                assertThat(finalsAtKill).as("finals when the instance was killed: mid-backlog")
                        .isPositive().isLessThan(expected.windows.size());

                StallIntegrationTest.await("the survivor owns every task", Duration.ofSeconds(120),
                        () -> survivorAlone(admin, env.config.applicationId()));
                Duration rebalanced = Duration.ofNanos(System.nanoTime() - killedAt);
                List<ConsumerRecord<String, DeliveryKpi>> afterKill = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() > finalsAtKill, Duration.ofSeconds(180));
                Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
                assertThat(ExpectedDeliveryKpis.finals(afterKill).size()).as("a new final after the kill")
                        .isGreaterThan(finalsAtKill);
                System.out.printf("failover: survivor owns every task %.1f s and first new final %.1f s after the "
                        + "SIGKILL (session.timeout.ms %s)%n", rebalanced.toMillis() / 1000.0, failover.toMillis() / 1000.0,
                        env.settings.get("kafka.consumer.session.timeout.ms"));

                restarted = env.startRunProcess(registry.url(), stateB, Map.of(),
                        Files.createTempFile("lastmile-failover-restart-", ".log"));
                List<ConsumerRecord<String, DeliveryKpi>> records = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(),
                        Duration.ofSeconds(240));
                expected.assertMatches(records);
                assertThat(a.failure()).isNull();
                assertThat(restarted.isAlive()).as("the restarted instance still runs").isTrue();
            } finally {
                b.destroyForcibly();
                if (restarted != null) {
                    restarted.destroy();
                    if (!restarted.waitFor(60, TimeUnit.SECONDS)) {
                        restarted.destroyForcibly();
                    }
                }
            }
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
        }
    }

    private static List<ConsumerRecord<String, DeliveryKpi>> readKpis(ItEnvironment env) {
        return env.readAll(env.topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer());
    }

    /** The killed member has left the group: one member, stable, holding every input partition. */
    private static boolean survivorAlone(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            return d.groupState() == GroupState.STABLE && d.members().size() == 1;
        } catch (Exception e) {
            return false;
        }
    }

}
