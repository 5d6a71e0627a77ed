package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.kpi.Validation.Rejection;
import java.util.Optional;

/**
 * Rules for the text fields that become parts of keys (ids, region) or of output map keys (survey
 * reasons). They are rejected rather than repaired: trimming or escaping could make two different
 * values one, which is the silent merge the checks exist to prevent.
 */
final class FieldRules {

    /** Longest message quote of a value, so a 1 MB id does not become a 1 MB DLQ header. */
    private static final int QUOTE_MAX = 40;

    private FieldRules() {
    }

    /** A required id or region: present, not blank, then {@link #text}. */
    static Optional<Rejection> required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return reject("missing_field", "missing " + field);
        }
        return text(field, value, maxLength);
    }

    /** An optional id: null is fine; present, it must be a usable one (blank is not "none"). */
    static Optional<Rejection> optional(String field, String value, int maxLength) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            return reject("blank_field", field + " " + quote(value) + " is blank; leave it null when there is none");
        }
        return text(field, value, maxLength);
    }

    /** No key separator or invisible character, and at most {@code maxLength} code points. */
    static Optional<Rejection> text(String field, String value, int maxLength) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (forbidden(cp)) {
                return reject("forbidden_character", field + " " + quote(value) + " contains forbidden character "
                        + String.format("U+%04X", cp) + " at index " + i);
            }
            i += Character.charCount(cp);
        }
        int length = value.codePointCount(0, value.length());
        if (length > maxLength) {
            return reject("too_long", field + " " + quote(value) + " is " + length + " characters long, more than "
                    + maxLength);
        }
        return Optional.empty();
    }

    /**
     * '|' separates the parts of KPI and store keys; control characters (tab, NUL, CR, LF) separate
     * fields in internal formats and lines in files; format characters and line separators are
     * invisible, so two ids that look the same would count apart; an unpaired surrogate encodes to
     * '?' in UTF-8, so two different ones would count together.
     */
    static boolean forbidden(int cp) {
        if (cp == '|') {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** The value in quotes, every forbidden character as \\uXXXX, cut after {@link #QUOTE_MAX}. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int shown = 0;
        for (int i = 0; i < value.length() && shown < QUOTE_MAX; shown++) {
            int cp = value.codePointAt(i);
            if (forbidden(cp) && cp != '|') {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        out.append(shown < value.codePointCount(0, value.length()) ? "...\"" : "\"");
        return out.toString();
    }

    static Optional<Rejection> reject(String code, String message) {
        return Optional.of(new Rejection(code, message));
    }
}
