package dev.lastmile.kpi.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void shouldEmitTheSameEventsHoweverTimeIsCutIntoSteps() {
        SimulationSettings settings = SimulationSettings.defaults(7, Instant.parse("2026-11-02T00:00:00Z"))
                .withDeliveriesPerHour(120).withNoise(0.05, 0.05, 0.01);
        long start = settings.start().toEpochMilli();
        long end = start + 6 * HOUR;

        List<SimEvent> oneStep = new Simulator(settings).advanceTo(end);

        // A live run advances by wall-clock ticks of uneven length; a resumed one by other steps.
        Simulator stepped = new Simulator(settings);
        List<SimEvent> inSteps = new ArrayList<>();
        Random steps = new Random(1);
        for (long t = start; t < end; t = Math.min(end, t + 1 + steps.nextInt(900_000))) {
            inSteps.addAll(stepped.advanceTo(t));
        }
        inSteps.addAll(stepped.advanceTo(end));

        assertThat(oneStep).hasSizeGreaterThan(2_000);
        assertThat(inSteps).isEqualTo(oneStep);
    }

    @Test
    void shouldEmitEveryEventOnlyOnceItsTimeHasCome() {
        SimulationSettings settings = SimulationSettings.defaults(3, Instant.parse("2026-11-02T00:00:00Z"));
        Simulator simulator = new Simulator(settings);
        long until = settings.start().toEpochMilli() + HOUR;
        assertThat(simulator.advanceTo(until)).isNotEmpty().allSatisfy(e -> assertThat(e.timeMs()).isLessThanOrEqualTo(until));
        assertThat(simulator.advanceTo(until)).isEmpty();
    }
}
