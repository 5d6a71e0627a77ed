package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.sim.SimEvent;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.sim.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator's traffic through the pipeline on a real broker: delivery and experience KPIs
 * equal a recomputation from the events the test produced, every record the simulator broke on
 * purpose is in the DLQ, and the correlation finds the route the simulator made late.
 */
@Tag("integration")
@Timeout(300)
class SimulatorPipelineIntegrationTest {

    private static final Instant START = Instant.parse("2026-11-03T00:00:00Z");
    private static final int HOURS = 30;

    @Test
    void shouldMatchARecomputationAndFindTheSimulatorsGroundTruth() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            env.createTopics(3);
            SimulationSettings settings = SimulationSettings.defaults(7, START).withRegions(List.of("north", "south"))
                    .withRoutes(6).withDeliveriesPerHour(90);
            Simulator simulator = new Simulator(settings);
            List<SimEvent> events = new ArrayList<>();
            for (int h = 1; h <= HOURS; h++) {
                events.addAll(simulator.advanceTo(START.plus(Duration.ofHours(h)).toEpochMilli()));
            }
            events.addAll(simulator.drain());

            ExpectedDeliveryKpis expectedDeliveries = new ExpectedDeliveryKpis();
            ExpectedPerfectOrders expectedPerfect = new ExpectedPerfectOrders();
            Map<String, long[]> expectedSurveys = new TreeMap<>(); // region|hour -> nps n, promoters, detractors, csat n
            java.util.Set<String> seenSurveys = new java.util.HashSet<>();
            long invalid = 0;
            long last = 0;
            try (KafkaProducer<String, SpecificRecord> producer = env.producer(Serdes.String().serializer(),
                    (topic, value) -> serializer(env, topic).serialize(topic, value))) {
                for (SimEvent e : events) {
                    producer.send(new ProducerRecord<>(topic(env, e), null, e.timeMs(), e.key(), e.event()));
                    last = Math.max(last, e.timeMs());
                    if (e.invalid()) {
                        invalid++;
                    } else if (e.event() instanceof DeliveryEvent d) {
                        expectedDeliveries.add(d);
                        expectedPerfect.add(d);
                    } else if (e.event() instanceof TicketEvent t) {
                        expectedPerfect.add(t);
                    } else if (e.event() instanceof SurveyResponse s && seenSurveys.add(s.getEventId())) {
                        long t = s.getEventTime().toEpochMilli();
                        long[] c = expectedSurveys.computeIfAbsent(s.getRegion() + "|" + (t - Math.floorMod(t,
                                ExpectedDeliveryKpis.HOUR)), k -> new long[4]);
                        if (s.getKind() == SurveyKind.NPS) {
                            c[0]++;
                            c[1] += s.getScore() >= 9 ? 1 : 0;
                            c[2] += s.getScore() <= 6 ? 1 : 0;
                        } else if (s.getKind() == SurveyKind.CSAT) {
                            c[3]++;
                        }
                    }
                }
                // Every partition of every input moves past the last window, closing everything.
                Instant closeAll = Instant.ofEpochMilli(last).plus(Duration.ofDays(1)).plus(Duration.ofHours(2));
                for (int p = 0; p < 3; p++) {
                    DeliveryEvent clock = BacklogIntegrationTest.event("clock-" + p, ExpectedDeliveryKpis.CLOCK_REGION,
                            DeliveryStatus.DELIVERED, closeAll, 0);
                    producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), p, closeAll.toEpochMilli(),
                            clock.getDeliveryId(), clock));
                    producer.send(new ProducerRecord<>(env.topics.ticketEvents().name(), p, closeAll.toEpochMilli(),
                            "clock-" + p, TicketEvent.newBuilder().setEventId("tclock-" + p).setTicketId("clock-" + p)
                                    .setRegion(ExpectedDeliveryKpis.CLOCK_REGION).setCategory(TicketCategory.OTHER)
                                    .setChannel(dev.lastmile.kpi.avro.TicketChannel.EMAIL)
                                    .setType(TicketEventType.OPENED).setEventTime(closeAll).build()));
                    producer.send(new ProducerRecord<>(env.topics.surveyResponses().name(), p, closeAll.toEpochMilli(),
                            "clock-" + p, SurveyResponse.newBuilder().setEventId("sclock-" + p).setSurveyId("clock-" + p)
                                    .setRegion(ExpectedDeliveryKpis.CLOCK_REGION).setKind(SurveyKind.CES).setScore(3)
                                    .setEventTime(closeAll).build()));
                }
            }

            List<ConsumerRecord<String, DeliveryKpi>> deliveries;
            List<ConsumerRecord<String, ExperienceKpi>> experience;
            List<ConsumerRecord<String, RouteComplaintKpi>> routes;
            List<ConsumerRecord<String, PerfectOrderKpi>> perfect;
            Map<String, List<Long>> expectedPerfectHours = expectedPerfect.hourly();
            try (Pipeline pipeline = new Pipeline(env.config, env.options(3)).start()) {
                int wanted = expectedDeliveries.windows.size();
                deliveries = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= wanted, Duration.ofSeconds(180));
                experience = env.readUntil(env.topics.kpi(KpiFamilies.EXPERIENCE).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.EXPERIENCE).valueSerde().deserializer(),
                        read -> hourlyFinals(read).size() >= expectedSurveys.size(), Duration.ofSeconds(120));
                // The route stage closes after the complaint join has reported its own progress: wait
                // for each region's last rolling window, not just for what is there now.
                long lastEnd = expectedDeliveries.windows.keySet().stream().filter(k -> k.contains("|ROLLING_24H|"))
                        .mapToLong(k -> Long.parseLong(k.substring(k.lastIndexOf('|') + 1)) + 24 * ExpectedDeliveryKpis.HOUR)
                        .max().orElseThrow();
                routes = env.readUntil(env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).valueSerde().deserializer(),
                        read -> List.of("north", "south").stream().allMatch(region -> read.stream()
                                .map(ConsumerRecord::value).anyMatch(k -> k.getFinal$()
                                        && k.getLevel() == CorrelationLevel.REGION && k.getRegion().equals(region)
                                        && k.getWindowEnd().toEpochMilli() == lastEnd)), Duration.ofSeconds(120));
                // Perfect-order windows close 24 h (of the tickets' event time) after the others.
                perfect = env.readUntil(env.topics.kpi(KpiFamilies.PERFECT_ORDER).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.PERFECT_ORDER).valueSerde().deserializer(),
                        read -> ExpectedPerfectOrders.finals(read).size() >= expectedPerfectHours.size(),
                        Duration.ofSeconds(120));
                assertThat(pipeline.failure()).isNull();
            }
            assertThat(ExpectedPerfectOrders.finals(perfect)).as("perfect orders: deliveries, on time, perfect")
                    .isEqualTo(expectedPerfectHours);
            assertThat(expectedPerfectHours.values().stream().mapToLong(c -> c.get(1) - c.get(2)).sum())
                    .as("on-time deliveries spoiled by a complaint").isPositive();

            expectedDeliveries.assertMatches(deliveries);

            Map<String, ExperienceKpi> surveys = hourlyFinals(experience);
            assertThat(surveys.keySet()).containsExactlyInAnyOrderElementsOf(expectedSurveys.keySet());
            expectedSurveys.forEach((key, c) -> {
                ExperienceKpi k = surveys.get(key);
                assertThat(k.getNpsResponses()).as(key).isEqualTo(c[0]);
                assertThat(k.getCsatResponses()).as(key).isEqualTo(c[3]);
                if (c[0] > 0) {
                    assertThat(k.getNps()).as(key).isCloseTo(100.0 * (c[1] - c[2]) / c[0], within(1e-9));
                }
            });

            assertThat(env.readAll(env.topics.dlq().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("every broken record, and only those").hasSize((int) invalid);
            assertThat(invalid).isPositive();

            // Ground truth: route <region>-r01 is the one the simulator makes late, and it draws
            // the complaints. In most final windows with a correlation it is a hotspot. A window in
            // which no delivery of the region was late has no delay to correlate (every route with a
            // complaint passes 1.5 x a late rate of 0): the first hours, as the simulator's routes
            // are rarely late (it must not page outside its dip).
            for (String region : List.of("north", "south")) {
                List<RouteComplaintKpi> regional = routes.stream().map(ConsumerRecord::value)
                        .filter(k -> k.getFinal$() && k.getLevel() == CorrelationLevel.REGION
                                && k.getRegion().equals(region) && k.getRoutes() != null && k.getRoutes() >= 3
                                && k.getLate() > 0)
                        .toList();
                assertThat(regional).as(region).hasSizeGreaterThan(10);
                long withHotspot = regional.stream()
                        .filter(k -> k.getHotspots().contains(SimulationSettings.chronicallyLateRoute(region))).count();
                assertThat((double) withHotspot / regional.size()).as(region + " windows naming the late route")
                        .isGreaterThan(0.6);
                assertThat(regional.stream().flatMap(k -> k.getHotspots().stream()).distinct())
                        .as(region + " hotspots").containsOnly(SimulationSettings.chronicallyLateRoute(region));
            }
        }
    }

    private static Map<String, ExperienceKpi> hourlyFinals(List<ConsumerRecord<String, ExperienceKpi>> records) {
        Map<String, ExperienceKpi> out = new TreeMap<>();
        for (ConsumerRecord<String, ExperienceKpi> r : records) {
            ExperienceKpi k = r.value();
            if (k.getFinal$() && k.getWindow() == WindowKind.HOURLY
                    && !k.getRegion().equals(ExpectedDeliveryKpis.CLOCK_REGION)) {
                out.put(k.getRegion() + "|" + k.getWindowStart().toEpochMilli(), k);
            }
        }
        return out;
    }

    private static String topic(ItEnvironment env, SimEvent e) {
        return switch (e.source()) {
            case DELIVERY -> env.topics.deliveryEvents().name();
            case TICKET -> env.topics.ticketEvents().name();
            case SURVEY -> env.topics.surveyResponses().name();
        };
    }

    @SuppressWarnings("unchecked")
    private static org.apache.kafka.common.serialization.Serializer<SpecificRecord> serializer(ItEnvironment env,
                                                                                           String topic) {
        Object s = topic.equals(env.topics.deliveryEvents().name()) ? env.topics.deliveryEvents().valueSerde().serializer()
                : topic.equals(env.topics.ticketEvents().name()) ? env.topics.ticketEvents().valueSerde().serializer()
                : env.topics.surveyResponses().valueSerde().serializer();
        return (org.apache.kafka.common.serialization.Serializer<SpecificRecord>) s;
    }
}
