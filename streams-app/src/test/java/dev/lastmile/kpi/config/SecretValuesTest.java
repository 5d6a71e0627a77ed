package dev.lastmile.kpi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets outside the properties file: Kafka's config providers resolve our settings and kafka.* alike. */
class SecretValuesTest {

    private static final Map<String, String> PROVIDERS = Map.of(
            "kafka.config.providers", "env,file,dir",
            "kafka.config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            "kafka.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
            "kafka.config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider");

    @Test
    void shouldResolveOurSettingsFromAFileADirectoryOrTheEnvironment(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "registry.auth=lastmile:from-file\n");
        Files.writeString(dir.resolve("bootstrap"), "kafka-1:9092");
        PipelineConfig c = ConfigLoader.defaults().overrides(PROVIDERS).overrides(Map.of(
                "schema.registry.basic.auth.user.info", "${file:" + secrets + ":registry.auth}",
                "bootstrap.servers", "${dir:" + dir + ":bootstrap}",
                "state.dir", "${env:PATH}")).load();
        assertThat(c.schemaRegistryAuth()).isEqualTo("lastmile:from-file");
        assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9092");
        assertThat(c.stateDir()).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void shouldLeaveKafkaPropertiesToTheKafkaClientsWhichResolveThemWithTheSameProviders(@TempDir Path dir)
            throws Exception {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" "
                + "password=\"%s\";";
        Files.writeString(dir.resolve("kafka-password"), "from-dir");
        String reference = jaas.formatted("${dir:" + dir + ":kafka-password}");
        PipelineConfig c = ConfigLoader.defaults().overrides(PROVIDERS).overrides(Map.of(
                "kafka.sasl.jaas.config", reference)).load();
        assertThat(c.kafkaProperties()).as("our copy keeps the reference, not the secret")
                .containsEntry("sasl.jaas.config", reference);
        assertThat(new AdminClientConfig(c.clientProperties()).getPassword("sasl.jaas.config").value())
                .isEqualTo(jaas.formatted("from-dir"));
    }

    @Test
    void shouldStopNamingTheSettingButNotTheSecretWhenAVariableIsNotResolved(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of(
                "schema.registry.basic.auth.user.info", "${env:LASTMILE_TEST_NO_SUCH_VARIABLE}")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.basic.auth.user.info='${env:LASTMILE_TEST_NO_SUCH_VARIABLE}'")
                .hasMessageContaining("kafka.config.providers=env");
        Files.writeString(dir.resolve("url"), "registry-without-scheme:8081");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(PROVIDERS).overrides(Map.of(
                "schema.registry.url", "${dir:" + dir + ":url}")).load())
                .hasMessageContaining("schema.registry.url='${dir:" + dir + ":url}'")
                .hasMessageNotContaining("registry-without-scheme");
    }
}
