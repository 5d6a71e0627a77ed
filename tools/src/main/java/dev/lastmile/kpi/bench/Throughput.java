package dev.lastmile.kpi.bench;

/** Events handled in a span of wall-clock time and of process CPU time. */
record Throughput(long events, double seconds, double cpuSeconds) {

    static Throughput since(long events, long startNanos, long startCpuNanos) {
        return new Throughput(events, (System.nanoTime() - startNanos) / 1e9,
                (Resources.processCpuNanos() - startCpuNanos) / 1e9);
    }

    double perSecond() {
        return seconds <= 0 ? 0 : events / seconds;
    }

    double perCpuSecond() {
        return cpuSeconds <= 0 ? 0 : events / cpuSeconds;
    }
}
