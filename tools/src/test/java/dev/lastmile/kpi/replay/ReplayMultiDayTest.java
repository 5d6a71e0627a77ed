package dev.lastmile.kpi.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-day history of all three sources, interleaved, out of order within grace and with
 * duplicates, replayed; support, experience and route-complaint KPIs compared with values the test
 * computes itself by brute force from the events it generated.
 */
class ReplayMultiDayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final long START = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    private static final String[] CATEGORIES = {"LATE_DELIVERY", "MISSED_DELIVERY", "DAMAGED", "BILLING", "OTHER"};

    private record Line(long time, ObjectNode json) {
    }

    /** Brute-force sums of one window (all fields the test checks). */
    private static final class Expected {
        long opened;
        long reopened;
        long resolved;
        long resolutionMs;
        long firstResponseMs;
        long fcr;
        long escalated;
        long repeat;
        long npsN;
        long promoters;
        long detractors;
        long csatN;
        long csatSatisfied;
        long deliveries;
        long onTime;
        long complaints;
    }

    @Test
    void shouldMatchABruteForceRecomputationOfEveryKpiFamily(@TempDir Path dir) throws Exception {
        Random random = new Random(11);
        List<Line> lines = new ArrayList<>();
        Map<String, Expected> support = new TreeMap<>();      // region|hourStart
        Map<String, Expected> experience = new TreeMap<>();   // region|hourStart
        Map<String, Expected> routeHours = new TreeMap<>();   // region|route|hourStart
        String[] regions = {"north", "south"};
        int deliveryCount = 0;
        for (int k = 0; k < 420; k++) {
            String region = regions[k % 2];
            String route = region + "-r" + random.nextInt(4);
            String did = "d" + (++deliveryCount);
            long dispatched = START + (long) random.nextInt(3 * 24 * 60 - 240) * MIN;
            long promised = dispatched + 90 * MIN;
            long done = promised + (random.nextInt(60) - 40 + (route.endsWith("r0") ? 35 : 0)) * MIN;
            boolean failed = random.nextInt(12) == 0;
            lines.add(new Line(dispatched, delivery(did + "-x", did, route, region, "DISPATCHED", dispatched, promised, 0)));
            lines.add(new Line(done, delivery(did + "-y", did, route, region, failed ? "FAILED" : "DELIVERED", done,
                    promised, 500)));
            Expected r = routeHours.computeIfAbsent(region + "|" + route + "|" + hour(done), x -> new Expected());
            r.deliveries++;
            r.onTime += !failed && done <= promised ? 1 : 0;

            if (random.nextInt(3) == 0) { // a ticket, complaint or not
                String tid = "t" + k;
                String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
                boolean unknownDelivery = random.nextInt(6) == 0;
                String ticketDelivery = unknownDelivery ? "ghost-" + k : did;
                long opened = done + (5 + random.nextInt(90)) * MIN;
                long t = opened;
                lines.add(new Line(t, ticket(tid + "-o", tid, ticketDelivery, region, category, "OPENED", t)));
                count(support, region, t).opened++;
                boolean complaint = !category.equals("BILLING") && !category.equals("OTHER");
                if (complaint) {
                    String attributed = unknownDelivery ? "UNKNOWN" : route;
                    routeHours.computeIfAbsent(region + "|" + attributed + "|" + hour(opened), x -> new Expected())
                            .complaints++;
                }
                long firstAgent = -1;
                boolean customer = false;
                boolean escalated = false;
                if (random.nextBoolean()) {
                    t += (1 + random.nextInt(30)) * MIN;
                    firstAgent = t;
                    lines.add(new Line(t, ticket(tid + "-a", tid, ticketDelivery, region, category, "AGENT_REPLY", t)));
                }
                if (random.nextInt(4) == 0) {
                    t += (1 + random.nextInt(30)) * MIN;
                    customer = true;
                    lines.add(new Line(t, ticket(tid + "-c", tid, ticketDelivery, region, category, "CUSTOMER_REPLY", t)));
                }
                if (random.nextInt(5) == 0) {
                    t += (1 + random.nextInt(30)) * MIN;
                    escalated = true;
                    lines.add(new Line(t, ticket(tid + "-e", tid, ticketDelivery, region, category, "ESCALATED", t)));
                }
                if (random.nextInt(5) > 0) { // most get resolved
                    t += (1 + random.nextInt(120)) * MIN;
                    lines.add(new Line(t, ticket(tid + "-r", tid, ticketDelivery, region, category, "RESOLVED", t)));
                    Expected s = count(support, region, t);
                    s.resolved++;
                    s.resolutionMs += t - opened;
                    s.firstResponseMs += (firstAgent < 0 ? t : firstAgent) - opened;
                    s.fcr += !customer && !escalated ? 1 : 0;
                    s.escalated += escalated ? 1 : 0;
                    s.repeat += customer ? 1 : 0;
                    if (random.nextInt(4) == 0) { // reopened and resolved again: counts once
                        t += (1 + random.nextInt(60)) * MIN;
                        lines.add(new Line(t, ticket(tid + "-ro", tid, ticketDelivery, region, category, "REOPENED", t)));
                        count(support, region, t).reopened++;
                        t += (1 + random.nextInt(60)) * MIN;
                        lines.add(new Line(t, ticket(tid + "-r2", tid, ticketDelivery, region, category, "RESOLVED", t)));
                    }
                }
            }
            if (random.nextInt(2) == 0) { // a survey
                long at = done + (10 + random.nextInt(200)) * MIN;
                boolean nps = random.nextBoolean();
                int score = nps ? random.nextInt(11) : 1 + random.nextInt(5);
                lines.add(new Line(at, survey("s" + k, region, nps ? "NPS" : "CSAT", score, at)));
                Expected e = count(experience, region, at);
                if (nps) {
                    e.npsN++;
                    e.promoters += score >= 9 ? 1 : 0;
                    e.detractors += score <= 6 ? 1 : 0;
                } else {
                    e.csatN++;
                    e.csatSatisfied += score >= 4 ? 1 : 0;
                }
            }
        }
        lines.sort((x, y) -> Long.compare(x.time, y.time));
        List<String> text = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            text.add(JSON.writeValueAsString(lines.get(i).json));
        }
        // Out of order within grace: swap neighbours less than 10 minutes apart, except two events
        // of one ticket (they arrive in order) ...
        for (int i = 0; i + 1 < lines.size(); i += 3) {
            Line a = lines.get(i);
            Line b = lines.get(i + 1);
            boolean sameTicket = a.json.has("ticket_id") && b.json.has("ticket_id")
                    && a.json.get("ticket_id").equals(b.json.get("ticket_id"));
            if (b.time - a.time < 10 * MIN && !sameTicket) {
                String tmp = text.get(i);
                text.set(i, text.get(i + 1));
                text.set(i + 1, tmp);
            }
        }
        // ... and every 25th line sent twice (a producer retry).
        List<String> withDuplicates = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            withDuplicates.add(text.get(i));
            if (i % 25 == 0) {
                withDuplicates.add(text.get(i));
            }
        }
        Path input = dir.resolve("history.jsonl");
        Files.write(input, withDuplicates);
        Path output = dir.resolve("kpis.jsonl");
        ReplaySummary summary = new ReplayRunner(ConfigLoader.defaults().load(), Instant.parse("2026-11-20T00:00:00Z"),
                new PrintWriter(new OutputStreamWriter(new ByteArrayOutputStream(), StandardCharsets.UTF_8), true)).run(input, output);
        assertThat(summary.late()).isZero();
        assertThat(summary.rejected()).isZero();
        assertThat(summary.duplicates()).isEqualTo(withDuplicates.size() - text.size());

        Map<String, JsonNode> out = new HashMap<>();
        for (String l : Files.readAllLines(output)) {
            JsonNode n = JSON.readTree(l);
            String topic = n.get("topic").asText();
            String start = n.get("window_start").asText();
            if (topic.endsWith("support") && n.get("window").asText().equals("HOURLY") && n.get("category").isNull()) {
                out.put("support|" + n.get("region").asText() + "|" + start, n);
            } else if (topic.endsWith("experience") && n.get("window").asText().equals("HOURLY")) {
                out.put("experience|" + n.get("region").asText() + "|" + start, n);
            } else if (topic.endsWith("route-complaints")) {
                out.put(n.get("level").asText() + "|" + n.get("region").asText() + "|" + n.get("route_id").asText()
                        + "|" + start, n);
            }
        }

        assertThat(out.keySet().stream().filter(k -> k.startsWith("support|"))).hasSize(support.size());
        support.forEach((key, e) -> {
            JsonNode n = out.get("support|" + key);
            assertThat(n).as(key).isNotNull();
            assertThat(n.get("opened").asLong()).as(key).isEqualTo(e.opened);
            assertThat(n.get("reopened").asLong()).as(key).isEqualTo(e.reopened);
            assertThat(n.get("resolved").asLong()).as(key).isEqualTo(e.resolved);
            if (e.resolved > 0) {
                assertThat(n.get("avg_resolution_minutes").asDouble()).as(key)
                        .isCloseTo(e.resolutionMs / 60_000.0 / e.resolved, within(1e-9));
                assertThat(n.get("avg_first_response_minutes").asDouble()).as(key)
                        .isCloseTo(e.firstResponseMs / 60_000.0 / e.resolved, within(1e-9));
                assertThat(n.get("first_contact_resolution_rate").asDouble()).as(key)
                        .isCloseTo((double) e.fcr / e.resolved, within(1e-12));
                assertThat(n.get("escalation_rate").asDouble()).isCloseTo((double) e.escalated / e.resolved,
                        within(1e-12));
                assertThat(n.get("repeat_contact_rate").asDouble()).isCloseTo((double) e.repeat / e.resolved,
                        within(1e-12));
            } else {
                assertThat(n.get("first_contact_resolution_rate").isNull()).as(key).isTrue();
            }
        });

        assertThat(out.keySet().stream().filter(k -> k.startsWith("experience|"))).hasSize(experience.size());
        experience.forEach((key, e) -> {
            JsonNode n = out.get("experience|" + key);
            assertThat(n).as(key).isNotNull();
            assertThat(n.get("nps_responses").asLong()).isEqualTo(e.npsN);
            assertThat(n.get("csat_responses").asLong()).isEqualTo(e.csatN);
            if (e.npsN > 0) {
                assertThat(n.get("nps").asDouble()).as(key)
                        .isCloseTo(100.0 * (e.promoters - e.detractors) / e.npsN, within(1e-9));
            }
            if (e.csatN > 0) {
                assertThat(n.get("csat_rate").asDouble()).isCloseTo((double) e.csatSatisfied / e.csatN, within(1e-12));
            }
        });

        // Route records: every rolling 24h window sums its 24 hours per region|route.
        Map<String, Expected> routeWindows = new TreeMap<>();
        routeHours.forEach((key, h) -> {
            int bar = key.lastIndexOf('|');
            long hourStart = Long.parseLong(key.substring(bar + 1));
            for (int i = 0; i < 24; i++) {
                Expected w = routeWindows.computeIfAbsent(key.substring(0, bar) + "|" + (hourStart - i * HOUR),
                        x -> new Expected());
                w.deliveries += h.deliveries;
                w.onTime += h.onTime;
                w.complaints += h.complaints;
            }
        });
        assertThat(out.keySet().stream().filter(k -> k.startsWith("ROUTE|"))).hasSize(routeWindows.size());
        Map<String, List<double[]>> qualifying = new TreeMap<>(); // region|start -> (late_rate, complaint_rate)
        routeWindows.forEach((key, w) -> {
            String[] p = key.split("\\|");
            String start = Instant.ofEpochMilli(Long.parseLong(p[2])).toString();
            JsonNode n = out.get("ROUTE|" + p[0] + "|" + p[1] + "|" + start);
            assertThat(n).as(key).isNotNull();
            assertThat(n.get("deliveries").asLong()).as(key).isEqualTo(w.deliveries);
            assertThat(n.get("late").asLong()).as(key).isEqualTo(w.deliveries - w.onTime);
            assertThat(n.get("complaints").asLong()).as(key).isEqualTo(w.complaints);
            if (!p[1].equals("UNKNOWN") && w.deliveries >= 5) {
                qualifying.computeIfAbsent(p[0] + "|" + start, x -> new ArrayList<>()).add(new double[] {
                    (double) (w.deliveries - w.onTime) / w.deliveries, (double) w.complaints / w.deliveries});
            }
        });
        int checked = 0;
        for (Map.Entry<String, List<double[]>> q : qualifying.entrySet()) {
            JsonNode n = out.get("REGION|" + q.getKey().replace("|", "|null|"));
            assertThat(n).as(q.getKey()).isNotNull();
            assertThat(n.get("routes").asInt()).isEqualTo(q.getValue().size());
            Double r = pearson(q.getValue());
            if (r == null) {
                assertThat(n.get("pearson_r").isNull()).as(q.getKey()).isTrue();
            } else {
                assertThat(n.get("pearson_r").asDouble()).as(q.getKey()).isCloseTo(r, within(1e-9));
                checked++;
            }
        }
        assertThat(checked).as("windows with a correlation").isGreaterThan(20);
    }

    private static Double pearson(List<double[]> points) {
        if (points.size() < 3) {
            return null;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
        double my = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
        double sxy = points.stream().mapToDouble(p -> (p[0] - mx) * (p[1] - my)).sum();
        double sxx = points.stream().mapToDouble(p -> (p[0] - mx) * (p[0] - mx)).sum();
        double syy = points.stream().mapToDouble(p -> (p[1] - my) * (p[1] - my)).sum();
        return sxx == 0 || syy == 0 ? null : sxy / Math.sqrt(sxx * syy);
    }

    private static long hour(long t) {
        return t - Math.floorMod(t, HOUR);
    }

    private static Expected count(Map<String, Expected> map, String region, long t) {
        return map.computeIfAbsent(region + "|" + Instant.ofEpochMilli(hour(t)), x -> new Expected());
    }

    static ObjectNode delivery(String id, String did, String route, String region, String status, long t,
                                       long promised, long cost) {
        return JSON.createObjectNode().put("source", "delivery").put("event_id", id).put("delivery_id", did)
                .put("route_id", route).put("driver_id", "drv").put("region", region).put("status", status)
                .put("event_time", Instant.ofEpochMilli(t).toString())
                .put("promised_by", Instant.ofEpochMilli(promised).toString()).put("cost_cents", cost);
    }

    static ObjectNode ticket(String id, String tid, String did, String region, String category, String type,
                                     long t) {
        return JSON.createObjectNode().put("source", "ticket").put("event_id", id).put("ticket_id", tid)
                .put("delivery_id", did).put("region", region).put("category", category).put("channel", "EMAIL")
                .put("type", type).put("event_time", Instant.ofEpochMilli(t).toString());
    }

    private static ObjectNode survey(String id, String region, String kind, int score, long t) {
        ObjectNode n = JSON.createObjectNode().put("source", "survey").put("event_id", id).put("survey_id", id)
                .put("region", region).put("kind", kind).put("score", score)
                .put("event_time", Instant.ofEpochMilli(t).toString());
        n.putArray("reasons");
        return n;
    }
}
