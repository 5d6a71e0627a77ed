package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.SurveyResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact sums over survey responses, from which every experience KPI of a window follows.
 *
 * @param dissatisfiedReasons reason -> count over CSAT <= 2 and NPS <= 6 responses
 */
public record ExperienceCounts(long csatResponses, long csatSatisfied, long csatSum, long npsResponses,
                               long npsPromoters, long npsDetractors, long cesResponses, long cesSum,
                               Map<String, Long> dissatisfiedReasons) {

    public static final ExperienceCounts EMPTY = new ExperienceCounts(0, 0, 0, 0, 0, 0, 0, 0, Map.of());

    public ExperienceCounts {
        dissatisfiedReasons = Map.copyOf(dissatisfiedReasons);
    }

    public ExperienceCounts add(SurveyResponse r) {
        int score = r.getScore();
        boolean dissatisfied;
        ExperienceCounts c;
        switch (r.getKind()) {
            case CSAT -> {
                dissatisfied = score <= 2;
                c = new ExperienceCounts(csatResponses + 1, csatSatisfied + (score >= 4 ? 1 : 0), csatSum + score,
                        npsResponses, npsPromoters, npsDetractors, cesResponses, cesSum, dissatisfiedReasons);
            }
            case NPS -> {
                dissatisfied = score <= 6;
                c = new ExperienceCounts(csatResponses, csatSatisfied, csatSum, npsResponses + 1,
                        npsPromoters + (score >= 9 ? 1 : 0), npsDetractors + (score <= 6 ? 1 : 0), cesResponses,
                        cesSum, dissatisfiedReasons);
            }
            default -> {
                dissatisfied = false;
                c = new ExperienceCounts(csatResponses, csatSatisfied, csatSum, npsResponses, npsPromoters,
                        npsDetractors, cesResponses + 1, cesSum + score, dissatisfiedReasons);
            }
        }
        if (!dissatisfied || r.getReasons().isEmpty()) {
            return c;
        }
        Map<String, Long> reasons = new TreeMap<>(c.dissatisfiedReasons);
        r.getReasons().forEach(reason -> reasons.merge(reason, 1L, Long::sum));
        return new ExperienceCounts(c.csatResponses, c.csatSatisfied, c.csatSum, c.npsResponses, c.npsPromoters,
                c.npsDetractors, c.cesResponses, c.cesSum, reasons);
    }

    public ExperienceCounts merge(ExperienceCounts o) {
        Map<String, Long> reasons = new TreeMap<>(dissatisfiedReasons);
        o.dissatisfiedReasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
        return new ExperienceCounts(csatResponses + o.csatResponses, csatSatisfied + o.csatSatisfied,
                csatSum + o.csatSum, npsResponses + o.npsResponses, npsPromoters + o.npsPromoters,
                npsDetractors + o.npsDetractors, cesResponses + o.cesResponses, cesSum + o.cesSum, reasons);
    }

    public long[] longs() {
        return new long[] {csatResponses, csatSatisfied, csatSum, npsResponses, npsPromoters, npsDetractors,
            cesResponses, cesSum};
    }

    public static ExperienceCounts of(long[] v, Map<String, Long> reasons) {
        return new ExperienceCounts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], reasons);
    }
}
