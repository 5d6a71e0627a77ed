package dev.lastmile.kpi.consume;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which printed records to keep, judged on their JSON form. DLQ and late records are judged by their
 * decoded original ({@code value}). A record without a {@code final} field (alerts, inputs, DLQ) passes
 * {@code finalOnly}, as in replay's output; one without the field a region or window filter names does not
 * pass it.
 *
 * @param region keep only this region, or null for all
 * @param window keep only this window kind by its contract name (HOURLY, ROLLING_24H), or null for all
 */
public record RecordFilter(boolean finalOnly, String region, String window) {

    public static final RecordFilter ALL = new RecordFilter(false, null, null);

    public boolean test(JsonNode record) {
        JsonNode fields = record.path("value").isObject() ? record.get("value") : record;
        if (finalOnly && fields.has("final") && !fields.get("final").asBoolean()) {
            return false;
        }
        return matches(fields, "region", region) && matches(fields, "window", window);
    }

    private static boolean matches(JsonNode fields, String field, String wanted) {
        return wanted == null || wanted.equals(fields.path(field).asText(null));
    }
}
