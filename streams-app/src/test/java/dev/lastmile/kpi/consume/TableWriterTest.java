package dev.lastmile.kpi.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldAlignColumnsRightAlignNumbersAndRoundRatios() throws Exception {
        StringWriter text = new StringWriter();
        TableWriter table = new TableWriter(new PrintWriter(text));
        table.add(row("{\"topic\":\"t\",\"region\":\"north\",\"final\":true,\"deliveries\":3,\"on_time_rate\":0.6666666666666666}"));
        table.add(row("{\"topic\":\"t\",\"region\":\"south-east\",\"final\":false,\"deliveries\":120,\"on_time_rate\":null}"));
        table.flush();
        assertThat(text.toString().lines()).containsExactly(
                "region      final  deliveries  on_time_rate",
                "north       true            3        0.6667",
                "south-east  false         120             -");
    }

    @Test
    void shouldPrintTheHeaderAgainOnlyWhenALaterBatchWidensAColumn() throws Exception {
        StringWriter text = new StringWriter();
        TableWriter table = new TableWriter(new PrintWriter(text));
        table.add(row("{\"region\":\"n\",\"value\":{\"a\":1}}"));
        table.flush();
        table.add(row("{\"region\":\"s\",\"value\":{\"a\":2}}"));
        table.flush();
        table.add(row("{\"region\":\"north-east\",\"value\":{\"a\":3}}"));
        table.flush();
        assertThat(text.toString().lines()).containsExactly(
                "region  value",
                "n       {\"a\":1}",
                "s       {\"a\":2}",
                "region      value",
                "north-east  {\"a\":3}");
    }

    private static ObjectNode row(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
