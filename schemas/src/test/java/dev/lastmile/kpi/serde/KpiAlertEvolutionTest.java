package dev.lastmile.kpi.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.AlertKpi;
import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.KpiAlert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * kpi-alert.avsc before predictions (a copy in test resources) and now read each other's records as
 * Avro's resolution rules say: new fields take their defaults, unknown fields are skipped, and an
 * enum symbol the reader does not know takes the reader's enum default, which only the new schema has.
 */
class KpiAlertEvolutionTest {

    private static final Schema NEW = KpiAlert.getClassSchema();
    private static final Schema OLD = parse("/kpi-alert-v1.avsc");

    @Test
    void shouldReadAnOldRecordWithTheNewSchemaLeavingTheForecastNull() throws IOException {
        GenericRecord old = record(OLD, "FIRING");
        GenericRecord read = read(write(OLD, old), OLD, NEW);
        assertThat(read.get("state").toString()).isEqualTo("FIRING");
        assertThat(read.get("value")).isEqualTo(0.81);
        assertThat(read.get("forecast")).isNull();
        assertThat(read.get("horizon_hours")).isNull();
    }

    @Test
    void shouldReadANewFiringOrResolvedRecordWithTheOldSchemaSkippingTheNewFields() throws IOException {
        KpiAlert alert = alert(AlertState.RESOLVED).setForecast(0.9).setHorizonHours(2).build();
        GenericRecord read = read(write(NEW, alert), NEW, OLD);
        assertThat(read.get("state").toString()).isEqualTo("RESOLVED");
        assertThat(read.get("samples")).isEqualTo(120L);
        assertThat(read.getSchema().getField("forecast")).isNull();
    }

    @Test
    void shouldFailAnOldReaderOnPredictedAsItsSchemaHasNoEnumDefault() throws IOException {
        byte[] predicted = write(NEW, alert(AlertState.PREDICTED).setForecast(0.91).setHorizonHours(3).build());
        // The default that maps unknown symbols belongs to the reader's schema: readers built on
        // the old one must upgrade before PREDICTED records reach them (README, Alerts).
        assertThatThrownBy(() -> read(predicted, NEW, OLD)).isInstanceOf(AvroTypeException.class)
                .hasMessageContaining("PREDICTED");
    }

    @Test
    void shouldMapAStateALaterSchemaAddsToResolvedThroughTheEnumDefault() throws IOException {
        Schema later = new Schema.Parser().parse(NEW.toString().replace("\"PREDICTED\"]", "\"PREDICTED\",\"SNOOZED\"]"));
        GenericRecord snoozed = record(later, "SNOOZED");
        GenericRecord read = read(write(later, snoozed), later, NEW);
        assertThat(read.get("state").toString()).isEqualTo("RESOLVED");
    }

    private static KpiAlert.Builder alert(AlertState state) {
        return KpiAlert.newBuilder().setKpi(AlertKpi.ON_TIME_RATE).setRegion("north").setState(state).setValue(0.95)
                .setTarget(0.93).setWindowStart(Instant.parse("2026-11-02T05:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-02T06:00:00Z")).setSamples(120L);
    }

    private static GenericRecord record(Schema schema, String state) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("kpi", new GenericData.EnumSymbol(schema.getField("kpi").schema(), "ON_TIME_RATE"));
        r.put("region", "north");
        r.put("state", new GenericData.EnumSymbol(schema.getField("state").schema(), state));
        r.put("value", 0.81);
        r.put("target", 0.93);
        r.put("window_start", 1_000L);
        r.put("window_end", 3_601_000L);
        r.put("samples", 64L);
        return r;
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        // The generated class needs its own model (its enums and timestamp conversions).
        GenericData model = record instanceof KpiAlert ? SpecificData.getForClass(KpiAlert.class) : GenericData.get();
        new GenericDatumWriter<Object>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord read(byte[] bytes, Schema writer, Schema reader) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static Schema parse(String resource) {
        try (InputStream in = KpiAlertEvolutionTest.class.getResourceAsStream(resource)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
