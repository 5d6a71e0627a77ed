package dev.lastmile.kpi.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's clock follows event time, so the retention purges run as they do live and the join and
 * ticket tables hold what is within their retention, not the whole history: eight days replayed
 * with one-day retentions keep about one day of deliveries and tickets, never fewer than that day.
 */
class ReplayStateBoundTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;
    private static final long START = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    private static final int DAYS = 8;

    @Test
    void shouldKeepTheJoinAndTicketTablesWithinTheirRetentionOverALongHistory(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, Long> deliveryLastSeen = new HashMap<>();
        Map<String, Long> ticketLastSeen = new HashMap<>();
        for (long t = START; t < START + DAYS * DAY; t += 5 * MIN) {
            String did = "d" + t;
            String region = t % 2 == 0 ? "north" : "south";
            lines.add(JSON.writeValueAsString(ReplayMultiDayTest.delivery(did + "-x", did, region + "-r1", region,
                    "DISPATCHED", t, t + 90 * MIN, 0)));
            lines.add(JSON.writeValueAsString(ReplayMultiDayTest.delivery(did + "-y", did, region + "-r1", region,
                    "DELIVERED", t + 1, t + 90 * MIN, 500)));
            deliveryLastSeen.put(did, t + 1);
            if ((t / (5 * MIN)) % 4 == 0) {
                String tid = "t" + t;
                lines.add(JSON.writeValueAsString(ReplayMultiDayTest.ticket(tid + "-o", tid, did, region, "DAMAGED",
                        "OPENED", t + 2)));
                ticketLastSeen.put(tid, t + 2);
            }
        }
        Path input = dir.resolve("history.jsonl");
        Files.write(input, lines);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        new ReplayRunner(ConfigLoader.defaults().overrides(Map.of("complaint.lookback", "1d",
                "ticket.state.retention", "1d", "dedup.retention", "1d")).load(), Instant.parse("2026-12-01T00:00:00Z"),
                new PrintWriter(new OutputStreamWriter(progress, StandardCharsets.UTF_8), true)).withStateReport()
                .run(input, dir.resolve("kpis.jsonl"));
        Map<String, Long> entries = stateReport(progress.toString(StandardCharsets.UTF_8));

        // The purges compare with the newest event time; one sweep round may still be pending.
        long newestDelivery = deliveryLastSeen.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long newestTicket = ticketLastSeen.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(entries.get("complaint-join-routes")).as("deliveries in the join table")
                .isBetween(within(deliveryLastSeen, newestDelivery - DAY), within(deliveryLastSeen, newestDelivery - DAY - HOUR))
                .isLessThan(deliveryLastSeen.size() / 4);
        assertThat(entries.get("ticket-lifecycle")).as("tickets in the lifecycle table")
                .isBetween(within(ticketLastSeen, newestTicket - DAY), within(ticketLastSeen, newestTicket - DAY - HOUR))
                .isLessThan(ticketLastSeen.size() / 4);
    }

    private static long within(Map<String, Long> lastSeen, long cutoff) {
        return lastSeen.values().stream().filter(t -> t >= cutoff).count();
    }

    private static Map<String, Long> stateReport(String progress) {
        Map<String, Long> entries = new HashMap<>();
        Matcher m = Pattern.compile("^\\s+(\\S+)\\s+([\\d,]+)$", Pattern.MULTILINE).matcher(progress);
        while (m.find()) {
            entries.put(m.group(1), Long.parseLong(m.group(2).replace(",", "")));
        }
        assertThat(entries).containsKeys("complaint-join-routes", "ticket-lifecycle");
        return entries;
    }
}
