package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Traffic stops at night: the last hour with events must still close, be judged by the alerts and
 * reach the KPI topic within window.grace + one punctuation of its end — not the next morning when
 * traffic resumes. Every input is quiet after one hour of deliveries (one delivery partition, the
 * ticket and the survey topics never see a record), so the windows can only close because the
 * gates report that they have read their partitions to the end.
 */
@Tag("integration")
@Timeout(300)
class QuietNightIntegrationTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void shouldCloseTheLastWindowsAndJudgeThemWhenTrafficStops() {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            env.createTopics(3);
            long now = System.currentTimeMillis();
            // The last full hour whose end + grace (15 min) has passed: its windows are due now.
            long hour = now - Math.floorMod(now, HOUR) - 2 * HOUR;
            ExpectedDeliveryKpis expected = new ExpectedDeliveryKpis();
            try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                    env.topics.deliveryEvents().valueSerde().serializer())) {
                for (int i = 0; i < 60; i++) { // north: every second delivery late, below the 0.93 target
                    send(producer, env, expected, i % 2, "n" + i, "north", hour + i * 59_000L, i % 2 == 0 ? 20 : -5);
                }
                for (int i = 0; i < 40; i++) { // south: all on time
                    send(producer, env, expected, i % 2, "s" + i, "south", hour + i * 89_000L, -10);
                }
                producer.flush();
            }
            String hourly = "north|HOURLY|" + hour;
            String firstRolling = "north|ROLLING_24H|" + (hour - 23 * HOUR);
            try (Pipeline pipeline = new Pipeline(env.config, env.options(3)).start()) {
                List<ConsumerRecord<String, DeliveryKpi>> records = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).keySet().containsAll(List.of(hourly, firstRolling,
                                "south|HOURLY|" + hour)), Duration.ofSeconds(120));
                Map<String, DeliveryKpi> finals = ExpectedDeliveryKpis.finals(records);
                assertThat(finals).as("finals of the quiet night's last windows")
                        .containsKeys(hourly, firstRolling, "south|HOURLY|" + hour);
                long checkedAt = System.currentTimeMillis();
                // What closed equals the recomputation; nothing whose end + grace is still ahead closed.
                finals.forEach((key, kpi) -> {
                    assertThat(kpi.getWindowEnd().toEpochMilli() + Duration.ofMinutes(15).toMillis())
                            .as("%s closed only after its end + grace", key).isLessThanOrEqualTo(checkedAt);
                    ExpectedDeliveryKpis.Sums sums = expected.windows.get(key);
                    assertThat(kpi.getDeliveries()).as(key).isEqualTo(sums.deliveries);
                    assertThat(kpi.getOnTime()).as(key).isEqualTo(sums.onTime);
                    assertThat(kpi.getCostCents()).as(key).isEqualTo(sums.cost);
                });

                List<ConsumerRecord<String, KpiAlert>> alerts = env.readUntil(env.topics.kpiAlerts().name(),
                        Serdes.String().deserializer(), env.topics.kpiAlerts().valueSerde().deserializer(),
                        read -> read.stream().anyMatch(r -> r.value().getKpi().name().equals("ON_TIME_RATE")),
                        Duration.ofSeconds(60));
                // Costs are random here; the on-time rates are what this test sets up.
                alerts.removeIf(r -> !r.value().getKpi().name().equals("ON_TIME_RATE"));
                assertThat(alerts).extracting(r -> r.value().getRegion() + ":" + r.value().getKpi() + ":"
                        + r.value().getState() + ":" + r.value().getWindowStart().toEpochMilli())
                        .containsExactly("north:ON_TIME_RATE:" + AlertState.FIRING + ":" + hour);
                assertThat(alerts.get(0).value().getValue()).isEqualTo(0.5);
                assertThat(pipeline.failure()).isNull();
            }
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void send(KafkaProducer<String, DeliveryEvent> producer, ItEnvironment env,
                             ExpectedDeliveryKpis expected, int partition, String id, String region, long time,
                             int minutesLate) {
        DeliveryEvent e = BacklogIntegrationTest.event(id, region, DeliveryStatus.DELIVERED, Instant.ofEpochMilli(time),
                minutesLate);
        expected.add(e);
        producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), partition, time, e.getDeliveryId(), e));
    }
}
