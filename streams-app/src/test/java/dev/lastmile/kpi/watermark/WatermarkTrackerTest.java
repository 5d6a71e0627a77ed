package dev.lastmile.kpi.watermark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatermarkTrackerTest {

    private static final long STALL = 60_000;

    @Test
    void shouldFollowTheSlowestSourceNotTheFastest() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0", "in:1"), Map.of(), Long.MIN_VALUE, STALL, 0);
        t.observe("in:0", 5_000, 10);
        assertThat(t.advance(10)).isEqualTo(Long.MIN_VALUE); // in:1 has reported nothing yet
        t.observe("in:1", 2_000, 20);
        assertThat(t.advance(20)).isEqualTo(2_000);
        t.observe("in:0", 9_000, 30);
        assertThat(t.advance(30)).isEqualTo(2_000);
        t.observe("in:1", 7_000, 40);
        assertThat(t.advance(40)).isEqualTo(7_000);
    }

    @Test
    void shouldStopWaitingForASilentSourceOnlyAfterTheStallTimeoutAndNeverGoBack() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0", "in:1"), Map.of(), Long.MIN_VALUE, STALL, 0);
        t.observe("in:0", 5_000, 1_000);
        assertThat(t.advance(59_999)).isEqualTo(Long.MIN_VALUE); // in:1 not stalled yet
        t.observe("in:0", 6_000, 59_999);
        assertThat(t.advance(60_000)).isEqualTo(6_000);          // in:1 silent since start: excluded
        t.observe("in:1", 1_000, 60_001);                        // it wakes up, behind
        assertThat(t.advance(60_001)).isEqualTo(6_000);          // the watermark does not go back
    }

    @Test
    void shouldHoldWhenEverySourceIsSilent() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0"), Map.of(), Long.MIN_VALUE, STALL, 0);
        t.observe("in:0", 5_000, 0);
        assertThat(t.advance(1)).isEqualTo(5_000);
        assertThat(t.advance(10 * STALL)).isEqualTo(5_000);
    }

    @Test
    void shouldKeepHoldingForASourceThatIsAliveButNotAdvancing() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0", "in:1"), Map.of(), Long.MIN_VALUE, STALL, 0);
        t.observe("in:1", 1_000, 0);
        for (long wall = 0; wall <= 5 * STALL; wall += STALL / 2) {
            t.observe("in:0", 9_000 + wall, wall);          // in:0 races ahead
            assertThat(t.observe("in:1", 1_000, wall)).isFalse(); // in:1 is alive (restoring, starved) but stuck
            assertThat(t.advance(wall)).isEqualTo(1_000);
        }
        assertThat(t.holder(5 * STALL)).hasValueSatisfying(h -> assertThat(h.getKey()).isEqualTo("in:1"));
        assertThat(t.isStalled("in:1", 5 * STALL)).isFalse();
    }

    @Test
    void shouldHoldAgainForAStalledSourceThatSpeaksAgain() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0", "in:1"), Map.of(), Long.MIN_VALUE, STALL, 0);
        t.observe("in:1", 1_000, 0);
        t.observe("in:0", 5_000, STALL);
        assertThat(t.advance(STALL)).isEqualTo(5_000);          // in:1 silent for the stall timeout: excluded
        assertThat(t.isStalled("in:1", STALL)).isTrue();
        t.observe("in:1", 6_000, STALL + 1);
        t.observe("in:0", 20_000, STALL + 1);
        assertThat(t.advance(STALL + 1)).isEqualTo(6_000);      // it holds again
    }

    @Test
    void shouldResumeFromRestoredState() {
        WatermarkTracker t = new WatermarkTracker(Set.of("in:0", "in:1"), Map.of("in:0", 8_000L, "in:1", 4_000L),
                4_000, STALL, 0);
        assertThat(t.watermark()).isEqualTo(4_000);
        assertThat(t.observe("in:1", 3_000, 1)).isFalse();       // older than what is known: ignored
        t.observe("in:1", 9_000, 2);
        assertThat(t.advance(2)).isEqualTo(8_000);
    }

    @Test
    void shouldRoundTripEnvelopes() {
        EnvelopeSerde serde = new EnvelopeSerde();
        Envelope data = new Envelope.Data("in:3", 42, 1_000, null, new byte[] {0, 1, 2});
        Envelope back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", data));
        assertThat(back).isInstanceOfSatisfying(Envelope.Data.class, d -> {
            assertThat(d.source()).isEqualTo("in:3");
            assertThat(d.offset()).isEqualTo(42);
            assertThat(d.rawKey()).isNull();
            assertThat(d.rawValue()).containsExactly(0, 1, 2);
        });
        Envelope marker = new Envelope.Marker("in:1", Long.MAX_VALUE);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", marker))).isEqualTo(marker);
    }
}
