package dev.lastmile.kpi.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.codec.PayloadFormatException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The forecast's history: consecutive hours only, at most eight, stored as a versioned payload. */
class AlertHistoryTest {

    private static final long H = 3_600_000L;

    @Test
    void shouldKeepTheLastEightConsecutiveHours() {
        AlertHistory h = AlertHistory.EMPTY;
        for (int i = 0; i < 10; i++) {
            h = h.append(i * H, (i + 1) * H, i);
        }
        assertThat(h.values()).containsExactly(2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
        assertThat(h.lastWindowEnd()).isEqualTo(10 * H);
    }

    @Test
    void shouldStartAfreshAfterAGap() {
        AlertHistory h = AlertHistory.EMPTY.append(0, H, 0.9).append(H, 2 * H, 0.8).append(3 * H, 4 * H, 0.7);
        assertThat(h.values()).containsExactly(0.7);
    }

    @Test
    void shouldRoundTripThroughItsStoredForm() {
        AlertHistory h = AlertHistory.EMPTY.append(0, H, 0.95).append(H, 2 * H, 0.125);
        assertThat(AlertHistory.decode(h.encode())).isEqualTo(h);
        assertThat(AlertHistory.decode(null)).isEqualTo(AlertHistory.EMPTY);
        assertThat(AlertHistory.key("ON_TIME_RATE:north")).satisfies(k -> assertThat(AlertHistory.isHistoryKey(k)).isTrue());
    }

    @Test
    void shouldRefuseAVersionItDoesNotKnow() {
        byte[] bytes = Base64.getDecoder().decode(AlertHistory.startingAt(H, 0.9).encode());
        bytes[0] = 2;
        assertThatThrownBy(() -> AlertHistory.decode(Base64.getEncoder().encodeToString(bytes)))
                .isInstanceOf(PayloadFormatException.class);
    }
}
