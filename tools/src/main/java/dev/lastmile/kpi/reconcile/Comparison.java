package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Whether a final record's field holds the expected value: integers exactly, doubles within 1e-9 relative. */
final class Comparison {

    static final double RELATIVE_TOLERANCE = 1e-9;

    private Comparison() {
    }

    /** The fields of {@code actual} that differ from {@code expected}. */
    static List<String> differingFields(Map<String, Object> expected, JsonNode actual) {
        List<String> fields = new ArrayList<>();
        expected.forEach((field, value) -> {
            if (!matches(value, actual.get(field))) {
                fields.add(field);
            }
        });
        return fields;
    }

    static boolean matches(Object expected, JsonNode actual) {
        if (actual == null) {
            return false; // the field is absent: not even null
        }
        if (expected == null || actual.isNull()) {
            return expected == null && actual.isNull();
        }
        if (expected instanceof Long l) {
            return actual.isIntegralNumber() && actual.canConvertToLong() && actual.longValue() == l;
        }
        if (expected instanceof Double d) {
            double a = actual.isNumber() ? actual.doubleValue() : Double.NaN;
            return a == d || Math.abs(a - d) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(d));
        }
        if (expected instanceof String s) {
            return actual.isTextual() && actual.asText().equals(s);
        }
        if (expected instanceof Map<?, ?> map) {
            if (!actual.isObject() || actual.size() != map.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!matches(e.getValue(), actual.get((String) e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        List<?> list = (List<?>) expected;
        if (!actual.isArray() || actual.size() != list.size()) {
            return false;
        }
        Iterator<JsonNode> items = actual.elements();
        for (Object item : list) {
            if (!matches(item, items.next())) {
                return false;
            }
        }
        return true;
    }
}
