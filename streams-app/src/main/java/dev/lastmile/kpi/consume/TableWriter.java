package dev.lastmile.kpi.consume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records as an aligned text table: a column per top-level field (not {@code topic}, the same on every row,
 * nor the DLQ's full {@code headers}, whose reasons have columns of their own), numbers right-aligned,
 * ratios to four decimals, nested values as compact JSON. Rows are printed a batch at a time, so a followed
 * topic needs no unbounded buffer; columns only widen, and the header is printed again when they do.
 */
public final class TableWriter {

    private static final int SEPARATION = 2;

    private final PrintWriter out;
    private final Map<String, Integer> widths = new LinkedHashMap<>();
    private final Map<String, Boolean> numeric = new LinkedHashMap<>();
    private final List<Map<String, String>> pending = new ArrayList<>();
    private boolean headerCurrent;

    public TableWriter(PrintWriter out) {
        this.out = out;
    }

    public void add(ObjectNode record) {
        Map<String, String> row = new LinkedHashMap<>();
        record.properties().forEach(e -> {
            String column = e.getKey();
            if (column.equals("topic") || column.equals("headers")) {
                return;
            }
            String cell = cell(e.getValue());
            row.put(column, cell);
            int width = Math.max(column.length(), cell.length());
            Integer before = widths.get(column);
            if (before == null || width > before) {
                widths.put(column, width);
                headerCurrent = false;
            }
            numeric.merge(column, e.getValue().isNumber() || e.getValue().isNull(), Boolean::logicalAnd);
        });
        pending.add(row);
    }

    /** Prints the rows added since the last flush. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        if (!headerCurrent) {
            Map<String, String> header = new LinkedHashMap<>();
            widths.keySet().forEach(c -> header.put(c, c));
            out.println(line(header, false));
            headerCurrent = true;
        }
        pending.forEach(row -> out.println(line(row, true)));
        pending.clear();
        out.flush();
    }

    private String line(Map<String, String> row, boolean alignNumbers) {
        StringBuilder b = new StringBuilder();
        widths.forEach((column, width) -> {
            String cell = row.getOrDefault(column, "");
            boolean right = alignNumbers && numeric.get(column);
            String pad = " ".repeat(width - cell.length());
            b.append(right ? pad + cell : cell + pad).append(" ".repeat(SEPARATION));
        });
        return b.toString().stripTrailing();
    }

    static String cell(JsonNode value) {
        if (value.isNull()) {
            return "-";
        } else if (value.isFloatingPointNumber()) {
            return String.format(Locale.ROOT, "%.4f", value.doubleValue());
        } else if (value.isValueNode()) {
            return value.asText();
        }
        return value.toString();
    }
}
