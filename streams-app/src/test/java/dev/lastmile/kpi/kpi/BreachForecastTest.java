package dev.lastmile.kpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Holt's forecast and the breach rule against numbers worked out by hand (in the comments). */
class BreachForecastTest {

    /**
     * level0 = 0.98, trend0 = -0.02; then for 0.97, 0.95, 0.94: predicted 0.96, 0.9465, 0.930275
     * (errors 0.01, 0.0035, 0.009725), level 0.965, 0.94825, 0.9351375, trend -0.0185, -0.017975,
     * -0.01651625; RMS error sqrt(0.0002068256 / 3) = 0.0083031.
     */
    private static final List<Double> SLIDING = List.of(1.0, 0.98, 0.97, 0.95, 0.94);

    @Test
    void shouldFitLevelTrendAndErrorsAsWorkedOutByHand() {
        BreachForecast.Fit fit = BreachForecast.fit(SLIDING);
        assertThat(fit.level()).isCloseTo(0.9351375, within(1e-9));
        assertThat(fit.trend()).isCloseTo(-0.01651625, within(1e-9));
        assertThat(fit.errorRms()).isCloseTo(0.0083031, within(1e-7));
        assertThat(fit.forecast(2)).isCloseTo(0.9021050, within(1e-7));
    }

    @Test
    void shouldPredictTheNextHourWhenEvenTheBandsTopIsBelowTarget() {
        // h = 1: 0.91862125 + 1.2816 * 0.0083031 = 0.92926 < 0.93.
        assertThat(BreachForecast.firstBreach(SLIDING, true, 0.93, 3, 0.9)).hasValueSatisfying(b -> {
            assertThat(b.hoursAhead()).isEqualTo(1);
            assertThat(b.forecast()).isCloseTo(0.91862125, within(1e-9));
        });
    }

    @Test
    void shouldNeedMoreHoursAheadForMoreConfidence() {
        // z(0.99) = 2.3263: h = 1 band top 0.93793 is within target; h = 2 top 0.902105 + 0.027316 = 0.92942.
        assertThat(BreachForecast.firstBreach(SLIDING, true, 0.93, 3, 0.99)).hasValueSatisfying(b ->
                assertThat(b.hoursAhead()).isEqualTo(2));
        assertThat(BreachForecast.firstBreach(SLIDING, true, 0.93, 1, 0.99)).isEmpty();
    }

    @Test
    void shouldMirrorForKpisThatMustStayBelowTheirTarget() {
        List<Double> rising = SLIDING.stream().map(v -> 1 - v).toList();
        assertThat(BreachForecast.firstBreach(rising, false, 0.07, 3, 0.9)).hasValueSatisfying(b -> {
            assertThat(b.hoursAhead()).isEqualTo(1);
            assertThat(b.forecast()).isCloseTo(0.08137875, within(1e-9));
        });
    }

    @Test
    void shouldPredictAnExactLineOnlyWhereItCrosses() {
        // No errors, no band: 0.95 - 0.01 h is below 0.925 from h = 3 on.
        List<Double> line = List.of(0.99, 0.98, 0.97, 0.96, 0.95);
        assertThat(BreachForecast.firstBreach(line, true, 0.925, 3, 0.9)).hasValueSatisfying(b -> {
            assertThat(b.hoursAhead()).isEqualTo(3);
            assertThat(b.forecast()).isCloseTo(0.92, within(1e-9));
        });
        assertThat(BreachForecast.firstBreach(line, true, 0.925, 2, 0.9)).isEmpty();
    }

    @Test
    void shouldNotPredictFromAFlatOrShortHistory() {
        assertThat(BreachForecast.firstBreach(List.of(0.99, 0.99, 0.99, 0.99, 0.99), true, 0.93, 3, 0.9)).isEmpty();
        assertThat(BreachForecast.firstBreach(List.of(0.99, 0.97, 0.95, 0.93), true, 0.93, 3, 0.9)).isEmpty();
    }

    @Test
    void shouldGiveTheStandardNormalQuantiles() {
        assertThat(BreachForecast.normalQuantile(0.9)).isCloseTo(1.2816, within(5e-4));
        assertThat(BreachForecast.normalQuantile(0.975)).isCloseTo(1.9600, within(5e-4));
    }
}
