package dev.lastmile.kpi.kpi;

/**
 * Exact sums over support facts, from which every support KPI of a window follows.
 *
 * @param timedResolutions resolved tickets whose OPENED event is known, the denominator of the two means
 */
public record SupportCounts(long opened, long reopened, long resolved, long timedResolutions,
                            long resolutionMsSum, long firstResponseMsSum, long firstContactResolutions,
                            long escalated, long repeatContacts) {

    public static final SupportCounts EMPTY = new SupportCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public SupportCounts add(SupportFact f) {
        return switch (f.kind()) {
            case OPENED -> new SupportCounts(opened + 1, reopened, resolved, timedResolutions, resolutionMsSum,
                    firstResponseMsSum, firstContactResolutions, escalated, repeatContacts);
            case REOPENED -> new SupportCounts(opened, reopened + 1, resolved, timedResolutions, resolutionMsSum,
                    firstResponseMsSum, firstContactResolutions, escalated, repeatContacts);
            case RESOLVED -> {
                boolean timed = f.resolutionMs() >= 0;
                yield new SupportCounts(opened, reopened, resolved + 1, timedResolutions + (timed ? 1 : 0),
                        resolutionMsSum + (timed ? f.resolutionMs() : 0),
                        firstResponseMsSum + (timed ? f.firstResponseMs() : 0),
                        firstContactResolutions + (f.firstContactResolution() ? 1 : 0),
                        escalated + (f.escalated() ? 1 : 0), repeatContacts + (f.repeatContact() ? 1 : 0));
            }
        };
    }

    public SupportCounts merge(SupportCounts o) {
        return new SupportCounts(opened + o.opened, reopened + o.reopened, resolved + o.resolved,
                timedResolutions + o.timedResolutions, resolutionMsSum + o.resolutionMsSum,
                firstResponseMsSum + o.firstResponseMsSum, firstContactResolutions + o.firstContactResolutions,
                escalated + o.escalated, repeatContacts + o.repeatContacts);
    }

    public long[] longs() {
        return new long[] {opened, reopened, resolved, timedResolutions, resolutionMsSum, firstResponseMsSum,
            firstContactResolutions, escalated, repeatContacts};
    }

    public static SupportCounts of(long[] v) {
        return new SupportCounts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
}
