package dev.lastmile.kpi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.family.KpiFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void shouldDefaultToExactlyOnceAndTheContractsTopicsAndGrace() {
        PipelineConfig c = ConfigLoader.defaults().load();
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.windowGrace()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.topics().deliveryEvents()).isEqualTo("lastmile.delivery-events");
        assertThat(c.topics().kpiTargets()).isEqualTo("lastmile.kpi-targets");
        assertThat(c.streamsProperties().getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    }

    @Test
    void shouldReadEachKpiFamilysOutputTopicFromItsDeclaredSettingInEveryLayer() {
        PipelineConfig defaults = ConfigLoader.defaults().load();
        assertThat(defaults.topics().kpi(KpiFamilies.DELIVERY)).isEqualTo("lastmile.kpi.delivery");
        assertThat(defaults.topics().outputs()).containsExactly("lastmile.dlq", "lastmile.late-events",
                "lastmile.kpi.delivery", "lastmile.kpi.support", "lastmile.kpi.experience",
                "lastmile.kpi.route-complaints", "lastmile.kpi.perfect-order", "lastmile.kpi.alerts");

        PipelineConfig c = ConfigLoader.defaults()
                .environment(Map.of("LASTMILE_TOPIC_KPI_ROUTE_COMPLAINTS", "env.routes"))
                .overrides(Map.of("topic.kpi.support", "cli.support"))
                .load();
        assertThat(c.topics().kpi(KpiFamilies.ROUTE_COMPLAINTS)).isEqualTo("env.routes");
        assertThat(c.topics().kpi(KpiFamilies.SUPPORT)).isEqualTo("cli.support");
        assertThat(c.topics().kpi(KpiFamilies.EXPERIENCE)).isEqualTo("lastmile.kpi.experience");

        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("topic.kpi.delivery", "no spaces")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topic.kpi.delivery='no spaces' (from command line)")
                .hasMessageContaining("a Kafka topic name");
    }

    @Test
    void shouldLayerFileThenEnvironmentThenCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lastmile.properties");
        Files.writeString(file, """
                window.grace=5m
                commit.interval=2s
                bootstrap.servers=file:9092
                kafka.security.protocol=SASL_SSL
                """);
        PipelineConfig c = ConfigLoader.defaults().file(file)
                .environment(Map.of("LASTMILE_WINDOW_GRACE", "20m", "LASTMILE_KAFKA_SASL_MECHANISM", "PLAIN",
                        "PATH", "/usr/bin"))
                .overrides(Map.of("window.grace", "30m"))
                .load();
        assertThat(c.windowGrace()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.bootstrapServers()).isEqualTo("file:9092");
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(c.streamsProperties().getProperty("sasl.mechanism")).isEqualTo("PLAIN");
    }

    @Test
    void shouldNameTheSettingItsOriginAndTheFixForABadValue() {
        assertThatThrownBy(() -> ConfigLoader.defaults().environment(Map.of("LASTMILE_WINDOW_GRACE", "soon")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("window.grace='soon'")
                .hasMessageContaining("environment variable LASTMILE_WINDOW_GRACE")
                .hasMessageContaining("Fix: give a duration");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("processing.guarantee", "exactly_once"))
                .load()).hasMessageContaining("processing.guarantee='exactly_once'")
                .hasMessageContaining("exactly_once_v2");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("num.stream.threads", "0")).load())
                .hasMessageContaining("num.stream.threads");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("schema.registry.url", "registry:8081"))
                .load()).hasMessageContaining("schema.registry.url='registry:8081'");
    }

    @Test
    void shouldRejectUnknownSettingsWhereverTheyComeFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "window.grase=5m\n");
        assertThatThrownBy(() -> ConfigLoader.defaults().file(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown setting 'window.grase'").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> ConfigLoader.defaults().environment(Map.of("LASTMILE_GRACE", "5m")))
                .hasMessageContaining("LASTMILE_GRACE");
        assertThatThrownBy(() -> ConfigLoader.defaults().file(dir.resolve("missing.properties")))
                .hasMessageContaining("missing.properties");
    }

    @Test
    void shouldLoadTheShippedExampleConfiguration() {
        PipelineConfig c = ConfigLoader.defaults().file(Path.of("..", "examples", "lastmile.properties")).load();
        assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
        assertThat(c.streamsProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(c.streamsProperties().getProperty("replication.factor")).isEqualTo("3");
        ConfigLoader.requireCluster(c);
    }

    @Test
    void shouldRequireClusterSettingsForRun() {
        PipelineConfig c = ConfigLoader.defaults().load();
        assertThatThrownBy(() -> ConfigLoader.requireCluster(c)).hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("LASTMILE_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldReadTheInputBoundsAndRejectOnesThatAreNotAnInstantOrDuration() {
        PipelineConfig defaults = ConfigLoader.defaults().load();
        assertThat(defaults.inputMaxFuture()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.inputMinEventTime()).isEqualTo(java.time.Instant.parse("2000-01-01T00:00:00Z"));
        PipelineConfig c = ConfigLoader.defaults().environment(Map.of("LASTMILE_INPUT_MAX_FUTURE", "1h",
                "LASTMILE_INPUT_MIN_EVENT_TIME", "2020-01-01T00:00:00Z")).load();
        assertThat(c.inputMaxFuture()).isEqualTo(Duration.ofHours(1));
        assertThat(c.inputMinEventTime()).isEqualTo(java.time.Instant.parse("2020-01-01T00:00:00Z"));
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("input.min.event.time", "2000-01-01"))
                .load()).hasMessageContaining("input.min.event.time='2000-01-01'")
                .hasMessageContaining("Fix: give an ISO-8601 UTC instant");
        // Parses as an Instant, but event times in epoch millis could never be compared with it.
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("input.min.event.time",
                "+1000000000-01-01T00:00:00Z")).load()).hasMessageContaining("input.min.event.time");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("input.max.future", "-5m")).load())
                .hasMessageContaining("input.max.future='-5m'");
    }

    @Test
    void shouldStopOnADurationBeyondTenYearsWithOneMessageInsteadOfAnOverflow() {
        for (String huge : new String[] {"999999999999d", "99999999999999999999d", "PT2562047788015215H"}) {
            assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("window.grace", huge)).load())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Setting window.grace='" + huge + "' (from command line) is invalid. Fix: give a"
                            + " duration >= 0 and at most 3650d, such as 500ms, 30s, 15m, 1h or 7d.");
        }
        assertThat(ConfigLoader.defaults().overrides(Map.of("dedup.retention", "3650d")).load().dedupRetention())
                .isEqualTo(Duration.ofDays(3650));
    }

    @Test
    void shouldTakeTheForecastSettingsWithinTheirRanges() {
        PipelineConfig off = ConfigLoader.defaults().overrides(Map.of("alert.forecast.horizon", "0",
                "alert.forecast.confidence", "0.99")).load();
        assertThat(off.alertForecastHorizon()).isZero();
        assertThat(off.alertForecastConfidence()).isEqualTo(0.99);
        for (Map.Entry<String, String> bad : List.of(Map.entry("alert.forecast.horizon", "25"),
                Map.entry("alert.forecast.horizon", "-1"), Map.entry("alert.forecast.confidence", "0.5"),
                Map.entry("alert.forecast.confidence", "1"), Map.entry("alert.forecast.confidence", "high"))) {
            assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.ofEntries(bad)).load())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(bad.getKey() + "='" + bad.getValue() + "'");
        }
    }

    @Test
    void shouldNameTheKafkaSettingItsOriginAndTheFixWhenKafkaWouldRejectIt() {
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("kafka.num.standby.replicas", "abc")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Setting kafka.num.standby.replicas='abc' (from command line) is invalid: "
                        + "Invalid value abc for configuration num.standby.replicas")
                .hasMessageContaining("Fix: give a value Kafka accepts for num.standby.replicas");
        assertThatThrownBy(() -> ConfigLoader.defaults().environment(Map.of("LASTMILE_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSLX")).load()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Setting kafka.security.protocol='SASL_SSLX' (from environment variable "
                        + "LASTMILE_KAFKA_SECURITY_PROTOCOL) is invalid");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("kafka.consumer.auto.offset.reset",
                "sometimes")).load()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Setting kafka.consumer.auto.offset.reset='sometimes' (from command line)");
    }

    @Test
    void shouldKeepTheRecordBoundAtLeast64KiBBelowTheProducersRequestSize() {
        PipelineConfig defaults = ConfigLoader.defaults().load();
        assertThat(defaults.inputMaxRecordBytes()).isEqualTo(512 * 1024);
        assertThat(defaults.inputMaxRegions()).isEqualTo(1000);
        assertThat(defaults.inputMaxRoutesPerRegion()).isEqualTo(2000);
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("input.max.record.bytes", "1000000")).load())
                .hasMessageContaining("input.max.record.bytes='1000000'")
                .hasMessageContaining("from 1024 to " + (1024 * 1024 - 64 * 1024));
        PipelineConfig larger = ConfigLoader.defaults().overrides(Map.of("input.max.record.bytes", "1000000",
                "kafka.producer.max.request.size", "2097152")).load();
        assertThat(larger.inputMaxRecordBytes()).isEqualTo(1_000_000);
    }

    @Test
    void shouldRefuseAtLeastOnceForRunBecauseACrashCouldDropRecordsAsDuplicates() {
        Map<String, String> cluster = Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r:8081");
        for (Map<String, String> guarantee : java.util.List.of(Map.of("processing.guarantee", "at_least_once"),
                Map.of("kafka.processing.guarantee", "at_least_once"))) {
            Map<String, String> all = new java.util.HashMap<>(cluster);
            all.putAll(guarantee);
            PipelineConfig c = ConfigLoader.defaults().overrides(all).load();
            assertThatThrownBy(() -> ConfigLoader.requireCluster(c)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("processing.guarantee=at_least_once is refused")
                    .hasMessageContaining("duplicates").hasMessageContaining("Fix: use exactly_once_v2")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        ConfigLoader.requireCluster(ConfigLoader.defaults().overrides(cluster).load());
    }

    @Test
    void shouldRefuseTheStreamsGroupProtocolForRunBecauseQuietInputsCouldNotCloseWindows() {
        Map<String, String> all = Map.of("bootstrap.servers", "k:9092", "schema.registry.url", "http://r:8081",
                "kafka.group.protocol", "streams");
        PipelineConfig c = ConfigLoader.defaults().overrides(all).load();
        assertThatThrownBy(() -> ConfigLoader.requireCluster(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.group.protocol=streams is refused").hasMessageContaining("Fix: remove it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Map<String, String> classic = new java.util.HashMap<>(all);
        classic.put("kafka.group.protocol", "CLASSIC");
        ConfigLoader.requireCluster(ConfigLoader.defaults().overrides(classic).load());
    }

    @Test
    void shouldBoundTheRegistryRetryBudgetWellBelowThePollInterval() {
        assertThat(ConfigLoader.defaults().load().registryRetryBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConfigLoader.defaults().overrides(Map.of("schema.registry.retry.budget", "30s")).load()
                .registryRetryBudget()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("schema.registry.retry.budget", "5m")).load())
                .hasMessageContaining("schema.registry.retry.budget='5m'").hasMessageContaining("up to 1m");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("schema.registry.retry.budget", "0s")).load())
                .hasMessageContaining("schema.registry.retry.budget='0s'");
    }
}
