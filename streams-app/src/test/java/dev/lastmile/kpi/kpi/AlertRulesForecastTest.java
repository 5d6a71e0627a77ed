package dev.lastmile.kpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.AlertKpi;
import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.KpiAlert;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract's PREDICTED transitions, around the unchanged FIRING and RESOLVED of real breaches. */
class AlertRulesForecastTest {

    private static final AlertRules.Forecasting THREE_HOURS_90 = new AlertRules.Forecasting(3, 0.9);
    /** Losing 0.01 an hour: 0.925 three hours after the last (BreachForecastTest). */
    private static final List<Double> SLIDE = List.of(0.995, 0.985, 0.975, 0.965, 0.955);
    private static final List<Double> FLAT = List.of(0.99, 0.99, 0.99, 0.99, 0.99);

    private static Optional<KpiAlert> judge(double value, long samples, AlertState current, List<Double> history) {
        AlertRules.Observation o = new AlertRules.Observation(AlertKpi.ON_TIME_RATE, "north", value, samples, 0, 3_600_000);
        return AlertRules.evaluate(o, current, history, THREE_HOURS_90, key -> null, 20);
    }

    @Test
    void shouldPredictOnceAndCarryTheForecast() {
        assertThat(judge(0.955, 50, AlertState.RESOLVED, SLIDE)).hasValueSatisfying(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.PREDICTED);
            assertThat(a.getHorizonHours()).isEqualTo(3);
        });
        assertThat(judge(0.955, 50, AlertState.PREDICTED, SLIDE)).isEmpty();
    }

    @Test
    void shouldWithdrawAPredictionTheForecastNoLongerMakes() {
        assertThat(judge(0.99, 50, AlertState.PREDICTED, FLAT)).hasValueSatisfying(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getForecast()).isNull();
        });
    }

    @Test
    void shouldFireOnARealBreachWhetherPredictedOrNot() {
        assertThat(judge(0.92, 50, AlertState.PREDICTED, SLIDE)).map(KpiAlert::getState).hasValue(AlertState.FIRING);
        assertThat(judge(0.92, 50, AlertState.RESOLVED, FLAT)).map(KpiAlert::getState).hasValue(AlertState.FIRING);
    }

    @Test
    void shouldResolveAFiringAlertOnTheValueAloneAndJudgeNoThinHour() {
        assertThat(judge(0.955, 50, AlertState.FIRING, SLIDE)).map(KpiAlert::getState).hasValue(AlertState.RESOLVED);
        assertThat(judge(0.955, 19, AlertState.RESOLVED, SLIDE)).isEmpty();
    }

    @Test
    void shouldPredictNothingWithTheHorizonOff() {
        AlertRules.Observation o = new AlertRules.Observation(AlertKpi.ON_TIME_RATE, "north", 0.955, 50, 0, 3_600_000);
        assertThat(AlertRules.evaluate(o, AlertState.RESOLVED, SLIDE, new AlertRules.Forecasting(0, 0.9), key -> null, 20))
                .isEmpty();
    }
}
