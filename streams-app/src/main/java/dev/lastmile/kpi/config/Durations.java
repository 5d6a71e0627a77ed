package dev.lastmile.kpi.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as operators write them: 500ms, 30s, 15m, 1h, 7d, or ISO-8601 (PT15M). */
public final class Durations {

    /**
     * Longest duration any setting takes: ten years. Event times are epoch millis and windows add
     * their grace and retention to them; bounded, that arithmetic can never overflow.
     */
    public static final Duration MAX = Duration.ofDays(3650);

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** @return the duration, or null when {@code text} is not one */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            if (m.group(1).length() > 12) {
                return null; // beyond any bound, and Long.parseLong or Duration.of* would overflow
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
