package dev.lastmile.kpi.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Converts between the contract's JSON form (field names as in the schemas, timestamps as
 * ISO-8601 UTC strings, enums by name) and generated Avro records, driven by the schema alone.
 */
public final class JsonAvro {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonAvro() {
    }

    /** A JSON object that does not fit the schema; the message names the field. */
    public static final class InvalidJson extends Exception {
        private final String code;

        InvalidJson(String message) {
            this("invalid_field", message);
        }

        InvalidJson(String code, String message) {
            super(message);
            this.code = code;
        }

        /** The DLQ reason code: missing_field or invalid_field. */
        public String code() {
            return code;
        }
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T fromJson(JsonNode json, Schema schema) throws InvalidJson {
        T record = (T) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            if (value == null || value.isNull()) {
                if (field.hasDefaultValue() || isNullable(field.schema())) {
                    record.put(field.pos(), field.hasDefaultValue() ? SpecificData.get().getDefaultValue(field) : null);
                    continue;
                }
                throw new InvalidJson("missing_field", "missing field " + field.name());
            }
            record.put(field.pos(), convert(field.name(), value, field.schema()));
        }
        return record;
    }

    private static Object convert(String name, JsonNode value, Schema schema) throws InvalidJson {
        switch (schema.getType()) {
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        return convert(name, value, branch);
                    }
                }
                throw new InvalidJson("field " + name + " has no non-null type");
            }
            case STRING -> {
                if (!value.isTextual()) {
                    throw new InvalidJson("field " + name + " must be a string");
                }
                return value.asText();
            }
            case INT -> {
                if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                    throw new InvalidJson("field " + name + " must be a whole number");
                }
                return value.intValue();
            }
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    if (!value.isTextual()) {
                        throw new InvalidJson("field " + name + " must be an ISO-8601 UTC timestamp string");
                    }
                    Instant t;
                    try {
                        t = Instant.parse(value.asText());
                    } catch (DateTimeParseException e) {
                        throw new InvalidJson("field " + name + " is not an ISO-8601 UTC timestamp: " + value.asText());
                    }
                    try {
                        // timestamp-millis: an instant beyond about 292 million years has no encoding.
                        t.toEpochMilli();
                    } catch (ArithmeticException e) {
                        throw new InvalidJson("field " + name + " " + value.asText()
                                + " is beyond the range of epoch milliseconds");
                    }
                    return t;
                }
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw new InvalidJson("field " + name + " must be a whole number");
                }
                return value.longValue();
            }
            case ENUM -> {
                if (!value.isTextual() || !schema.hasEnumSymbol(value.asText())) {
                    throw new InvalidJson("field " + name + " must be one of " + schema.getEnumSymbols() + ", not "
                            + value);
                }
                return SpecificData.get().createEnum(value.asText(), schema);
            }
            case ARRAY -> {
                if (!value.isArray()) {
                    throw new InvalidJson("field " + name + " must be an array");
                }
                List<Object> items = new ArrayList<>();
                for (JsonNode item : value) {
                    items.add(convert(name, item, schema.getElementType()));
                }
                return items;
            }
            default -> throw new InvalidJson("field " + name + " has unsupported type " + schema.getType());
        }
    }

    private static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
    }

    /** The record as a JSON object: timestamps ISO-8601, enums by name, maps as objects. */
    public static ObjectNode toJson(SpecificRecord record) {
        ObjectNode out = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            out.set(field.name(), toNode(record.get(field.pos())));
        }
        return out;
    }

    private static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof Instant i) {
            return NODES.textNode(i.toString());
        } else if (value instanceof CharSequence || value instanceof Enum<?>) {
            return NODES.textNode(value.toString());
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof Integer n) {
            return NODES.numberNode(n);
        } else if (value instanceof Long n) {
            return NODES.numberNode(n);
        } else if (value instanceof Double d) {
            return NODES.numberNode(d);
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            new TreeMap<>(map).forEach((k, v) -> o.set(k.toString(), toNode(v)));
            return o;
        } else if (value instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            list.forEach(v -> a.add(toNode(v)));
            return a;
        } else if (value instanceof SpecificRecord r) {
            return toJson(r);
        }
        throw new IllegalArgumentException("No JSON form for " + value.getClass());
    }
}
