package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of a JSON Lines history that the KPIs count, read with plain Jackson: lines the pipeline
 * rejected (its DLQ list) are left out, and an event id seen again counts once (its first line).
 * Line numbers are an editor's: only LF ends a line, a CR before it is dropped, a leading BOM ignored.
 */
final class HistoryEvents {

    /** A delivery event; promisedBy is null when absent. */
    record Delivery(long line, String deliveryId, String routeId, String region, String status, long time,
                    Long promisedBy, long costCents) {
        boolean terminal() {
            return status.equals("DELIVERED") || status.equals("FAILED");
        }

        boolean delivered() {
            return status.equals("DELIVERED");
        }
    }

    record Ticket(long line, String ticketId, String deliveryId, String region, String category, String type,
                  long time) {
    }

    record Survey(long line, String region, String kind, int score, List<String> reasons, long time) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Delivery> deliveries = new ArrayList<>();
    final List<Ticket> tickets = new ArrayList<>();
    final List<Survey> surveys = new ArrayList<>();
    /** Every counted event by its line number. */
    final Map<Long, Object> byLine = new HashMap<>();
    long lines;
    long blank;
    long rejected;
    long duplicates;
    /** Lines neither in the DLQ list nor readable as an event: left out, and named in the report. */
    final List<Long> unreadable = new ArrayList<>();

    /** The same events but those of the given lines. */
    HistoryEvents without(Set<Long> leftOut) {
        HistoryEvents h = new HistoryEvents();
        deliveries.stream().filter(e -> !leftOut.contains(e.line())).forEach(h.deliveries::add);
        tickets.stream().filter(e -> !leftOut.contains(e.line())).forEach(h.tickets::add);
        surveys.stream().filter(e -> !leftOut.contains(e.line())).forEach(h.surveys::add);
        return h;
    }

    static HistoryEvents read(Path history, Set<Long> rejectedLines) throws IOException {
        HistoryEvents h = new HistoryEvents();
        byte[] bytes = Files.readAllBytes(history);
        Set<String> seenIds = new HashSet<>();
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int length = end > start && bytes[end - 1] == '\r' ? end - 1 - start : end - start;
            h.line(new String(bytes, start, length, StandardCharsets.UTF_8), rejectedLines, seenIds);
            start = end + 1;
        }
        return h;
    }

    private void line(String text, Set<Long> rejectedLines, Set<String> seenIds) {
        long number = ++lines;
        if (rejectedLines.contains(number)) {
            rejected++;
            return;
        }
        if (text.isBlank()) {
            blank++;
            return;
        }
        Object event;
        String id;
        try {
            JsonNode json = JSON.readTree(text);
            id = json.get("source").asText() + "|" + json.get("event_id").asText();
            event = parse(number, json);
        } catch (IOException | RuntimeException e) {
            unreadable.add(number);
            return;
        }
        if (!seenIds.add(id)) {
            duplicates++;
            return;
        }
        byLine.put(number, event);
        if (event instanceof Delivery d) {
            deliveries.add(d);
        } else if (event instanceof Ticket t) {
            tickets.add(t);
        } else {
            surveys.add((Survey) event);
        }
    }

    private static Object parse(long line, JsonNode j) {
        long time = time(j.get("event_time"));
        return switch (j.get("source").asText()) {
            case "delivery" -> new Delivery(line, text(j, "delivery_id"), text(j, "route_id"), text(j, "region"),
                    text(j, "status"), time, j.hasNonNull("promised_by") ? time(j.get("promised_by")) : null,
                    j.get("cost_cents").asLong());
            case "ticket" -> new Ticket(line, text(j, "ticket_id"), optional(j, "delivery_id"), text(j, "region"),
                    text(j, "category"), text(j, "type"), time);
            case "survey" -> {
                List<String> reasons = new ArrayList<>();
                if (j.hasNonNull("reasons")) {
                    j.get("reasons").forEach(r -> reasons.add(r.asText()));
                }
                yield new Survey(line, text(j, "region"), text(j, "kind"), j.get("score").asInt(), reasons, time);
            }
            default -> throw new IllegalArgumentException("unknown source");
        };
    }

    private static String text(JsonNode j, String field) {
        if (!j.hasNonNull(field)) {
            throw new IllegalArgumentException("missing " + field);
        }
        return j.get(field).asText();
    }

    private static String optional(JsonNode j, String field) {
        return j.hasNonNull(field) ? j.get(field).asText() : null;
    }

    private static long time(JsonNode node) {
        return Instant.parse(node.asText()).toEpochMilli();
    }
}
