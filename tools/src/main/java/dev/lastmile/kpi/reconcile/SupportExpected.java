package dev.lastmile.kpi.reconcile;

import static dev.lastmile.kpi.reconcile.ExpectedKpis.MINUTE_MS;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.mean;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.ratio;

import dev.lastmile.kpi.reconcile.HistoryEvents.Ticket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Support KPIs per region and per region x category, hourly and rolling 24 h. Each ticket's events are
 * read in the order of the file (the contract: one ticket's events arrive in order); the ticket's region
 * and category are those of its first event. OPENED and REOPENED count at their own time; the ticket
 * counts as resolved at its first RESOLVED, with what happened before it.
 */
final class SupportExpected {

    /** What one event adds: kind OPENED, REOPENED or RESOLVED; the two times are null without an OPENED. */
    private record Fact(String kind, Double resolutionMinutes, Double firstResponseMinutes, boolean escalated,
                        boolean customerReplied) {
    }

    private SupportExpected() {
    }

    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history) {
        Map<String, List<Ticket>> byTicket = new LinkedHashMap<>();
        for (Ticket t : history.tickets) {
            byTicket.computeIfAbsent(t.ticketId(), x -> new ArrayList<>()).add(t);
        }
        Map<RecordKey, List<Fact>> groups = new TreeMap<>();
        for (List<Ticket> events : byTicket.values()) {
            String region = events.get(0).region();
            String category = events.get(0).category();
            Long opened = null;
            Long firstAgentReply = null;
            boolean customerReplied = false;
            boolean escalated = false;
            boolean resolved = false;
            for (Ticket e : events) {
                Fact fact = null;
                switch (e.type()) {
                    case "OPENED" -> {
                        opened = opened == null ? e.time() : opened;
                        fact = new Fact("OPENED", null, null, false, false);
                    }
                    case "REOPENED" -> fact = new Fact("REOPENED", null, null, false, false);
                    case "AGENT_REPLY" -> firstAgentReply = firstAgentReply == null && !resolved ? e.time()
                            : firstAgentReply;
                    case "CUSTOMER_REPLY" -> customerReplied |= !resolved;
                    case "ESCALATED" -> escalated |= !resolved;
                    default -> { // RESOLVED: only the first one counts
                        if (!resolved) {
                            resolved = true;
                            long response = firstAgentReply == null ? e.time() : firstAgentReply;
                            fact = new Fact("RESOLVED", opened == null ? null : (e.time() - opened) / MINUTE_MS,
                                    opened == null ? null : (response - opened) / MINUTE_MS, escalated,
                                    customerReplied);
                        }
                    }
                }
                if (fact != null) {
                    String topic = RecordKey.SUPPORT; // the region record, and the region x category one
                    ExpectedKpis.addTo(groups, ExpectedKpis.regionWindows(topic, region, null, e.time()), fact);
                    ExpectedKpis.addTo(groups, ExpectedKpis.regionWindows(topic, region, category, e.time()), fact);
                }
            }
        }
        return ExpectedKpis.records(groups, SupportExpected::fields);
    }

    private static Map<String, Object> fields(List<Fact> facts) {
        long opened = 0;
        long reopened = 0;
        long resolved = 0;
        long firstContact = 0;
        long escalated = 0;
        long repeat = 0;
        List<Double> resolutions = new ArrayList<>();
        List<Double> responses = new ArrayList<>();
        for (Fact f : facts) {
            switch (f.kind()) {
                case "OPENED" -> opened++;
                case "REOPENED" -> reopened++;
                default -> {
                    resolved++;
                    firstContact += !f.escalated() && !f.customerReplied() ? 1 : 0;
                    escalated += f.escalated() ? 1 : 0;
                    repeat += f.customerReplied() ? 1 : 0;
                    if (f.resolutionMinutes() != null) {
                        resolutions.add(f.resolutionMinutes());
                        responses.add(f.firstResponseMinutes());
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("opened", opened);
        out.put("reopened", reopened);
        out.put("resolved", resolved);
        out.put("avg_resolution_minutes", mean(resolutions));
        out.put("avg_first_response_minutes", mean(responses));
        out.put("first_contact_resolution_rate", ratio(firstContact, resolved));
        out.put("escalation_rate", ratio(escalated, resolved));
        out.put("repeat_contact_rate", ratio(repeat, resolved));
        return out;
    }
}
