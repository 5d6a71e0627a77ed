package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is stopped and started again on the same log directory in the middle of a backlog,
 * as in a rolling restart of a one-broker cluster. The pipeline rides it out: every final equals
 * the recomputation, none is lost and none is written twice for read_committed consumers.
 */
@Tag("integration")
@Timeout(420)
class BrokerRestartIntegrationTest {

    @Test
    void shouldLoseAndDuplicateNoFinalWhenTheBrokerRestartsMidRun() throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(Files.createTempDirectory("lastmile-restart-broker-"), true);
        try (ItEnvironment env = new ItEnvironment(broker, Map.of())) {
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 30_000);
            try (Pipeline pipeline = new Pipeline(env.configWith(Map.of("kafka.max.poll.records", "200")),
                    env.options(BacklogIntegrationTest.PARTITIONS)).start()) {
                List<ConsumerRecord<String, DeliveryKpi>> before = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> !ExpectedDeliveryKpis.finals(read).isEmpty(), Duration.ofSeconds(120));
                assertThat(ExpectedDeliveryKpis.finals(before)).as("finals before the broker restart: mid-run")
                        .isNotEmpty().hasSizeLessThan(expected.windows.size());
                broker = broker.restart();

                List<ConsumerRecord<String, DeliveryKpi>> records = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(),
                        Duration.ofSeconds(240));
                assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer())).as("late records").isEmpty();
                expected.assertMatches(records);
                assertThat(pipeline.failure()).isNull();
            }
        } finally {
            broker.close();
        }
    }
}
