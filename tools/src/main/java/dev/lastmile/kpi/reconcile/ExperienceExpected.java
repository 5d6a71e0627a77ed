package dev.lastmile.kpi.reconcile;

import static dev.lastmile.kpi.reconcile.ExpectedKpis.ratio;

import dev.lastmile.kpi.reconcile.HistoryEvents.Survey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Experience KPIs per region, hourly and rolling 24 h, over survey responses. */
final class ExperienceExpected {

    private ExperienceExpected() {
    }

    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history) {
        Map<RecordKey, List<Survey>> groups = new TreeMap<>();
        for (Survey s : history.surveys) {
            ExpectedKpis.addTo(groups, ExpectedKpis.regionWindows(RecordKey.EXPERIENCE, s.region(), null, s.time()), s);
        }
        return ExpectedKpis.records(groups, ExperienceExpected::fields);
    }

    private static Map<String, Object> fields(List<Survey> responses) {
        long csat = 0;
        long csatSatisfied = 0;
        long csatSum = 0;
        long nps = 0;
        long promoters = 0;
        long detractors = 0;
        long ces = 0;
        long cesSum = 0;
        Map<String, Long> reasons = new TreeMap<>();
        for (Survey s : responses) {
            boolean dissatisfied = false;
            switch (s.kind()) {
                case "CSAT" -> {
                    csat++;
                    csatSum += s.score();
                    csatSatisfied += s.score() >= 4 ? 1 : 0;
                    dissatisfied = s.score() <= 2;
                }
                case "NPS" -> {
                    nps++;
                    promoters += s.score() >= 9 ? 1 : 0;
                    detractors += s.score() <= 6 ? 1 : 0;
                    dissatisfied = s.score() <= 6;
                }
                default -> {
                    ces++;
                    cesSum += s.score();
                }
            }
            if (dissatisfied) {
                s.reasons().forEach(r -> reasons.merge(r, 1L, Long::sum));
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("csat_responses", csat);
        f.put("csat_rate", ratio(csatSatisfied, csat));
        f.put("csat_avg", ratio(csatSum, csat));
        f.put("nps_responses", nps);
        f.put("nps", nps == 0 ? null : 100.0 * promoters / nps - 100.0 * detractors / nps);
        f.put("ces_responses", ces);
        f.put("ces_avg", ratio(cesSum, ces));
        f.put("dissatisfied_reasons", reasons);
        return f;
    }
}
