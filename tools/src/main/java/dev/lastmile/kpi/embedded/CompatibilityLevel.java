package dev.lastmile.kpi.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}. BACKWARD: the new
 * schema reads data written with the latest one (consumers upgrade first); FORWARD: the latest reads data
 * written with the new one; FULL: both. The _TRANSITIVE levels check every earlier version, not just the latest.
 */
enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** The level a name gives (any case), or empty for a name Confluent does not know. */
    static Optional<CompatibilityLevel> parse(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /**
     * Why {@code candidate} may not follow {@code earlier} (by version, oldest first) under this level, in
     * Confluent's words; empty when it may.
     */
    List<String> problems(Schema candidate, SortedMap<Integer, Schema> earlier) {
        List<String> problems = new ArrayList<>();
        if (this == NONE || earlier.isEmpty()) {
            return problems;
        }
        SortedMap<Integer, Schema> checked = name().endsWith("_TRANSITIVE") ? earlier : earlier.tailMap(earlier.lastKey());
        for (Map.Entry<Integer, Schema> e : checked.entrySet()) {
            int version = e.getKey();
            Schema old = e.getValue();
            if (this != FORWARD && this != FORWARD_TRANSITIVE) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), version, problems);
            }
            if (this != BACKWARD && this != BACKWARD_TRANSITIVE) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), version, problems);
            }
        }
        if (!problems.isEmpty()) {
            problems.add("{compatibility: '" + name() + "'}");
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, int version, List<String> out) {
        for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
            out.add("{errorType:'" + i.getType() + "', description:'" + i.getMessage() + " at path '" + i.getLocation()
                    + "'', oldSchemaVersion: " + version + "}");
        }
    }
}
