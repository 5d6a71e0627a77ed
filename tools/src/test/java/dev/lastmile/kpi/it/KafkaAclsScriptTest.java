package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kafka-acls.sh grants exactly the ACLs the secured integration test proved sufficient and
 * necessary: the script runs with a stand-in for kafka-acls.sh that records its arguments.
 */
class KafkaAclsScriptTest {

    @Test
    void shouldGrantExactlyThePipelinesAclsForTheDefaults(@TempDir Path tmp) throws Exception {
        PipelineConfig defaults = ConfigLoader.defaults().load();
        assertThat(grantedBy(tmp, Map.of())).containsExactlyInAnyOrderElementsOf(
                PipelineAcls.of("User:lastmile-kpi", defaults));
    }

    @Test
    void shouldGrantThemForAnotherApplicationIdPrincipalAndTopicNames(@TempDir Path tmp) throws Exception {
        PipelineConfig custom = ConfigLoader.defaults().overrides(Map.of("application.id", "kpi-eu",
                "topic.delivery-events", "eu.deliveries", "topic.kpi.alerts", "eu.alerts")).load();
        assertThat(grantedBy(tmp, Map.of("APP_ID", "kpi-eu", "PRINCIPAL", "User:kpi-eu-app",
                "TOPIC_DELIVERY_EVENTS", "eu.deliveries", "TOPIC_KPI_ALERTS", "eu.alerts")))
                .containsExactlyInAnyOrderElementsOf(PipelineAcls.of("User:kpi-eu-app", custom));
    }

    /** Runs the script with {@code env}; every kafka-acls call becomes the bindings it adds. */
    private static List<AclBinding> grantedBy(Path tmp, Map<String, String> env) throws Exception {
        Path calls = tmp.resolve("calls");
        Path stub = tmp.resolve("kafka-acls.sh");
        Files.writeString(stub, "#!/usr/bin/env bash\nprintf '%s\\t' \"$@\" >> \"" + calls + "\"\necho >> \""
                + calls + "\"\n");
        assertThat(stub.toFile().setExecutable(true)).isTrue();
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("..", "deploy", "kafka-acls.sh").toString())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("KAFKA_ACLS", stub.toString());
        Process script = builder.start();
        assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(new String(script.getInputStream().readAllBytes())).isZero();
        List<AclBinding> granted = new ArrayList<>();
        for (String line : Files.readAllLines(calls)) {
            granted.addAll(parse(List.of(line.split("\t"))));
        }
        return granted;
    }

    private static List<AclBinding> parse(List<String> args) {
        assertThat(args).contains("--add", "--bootstrap-server");
        String principal = args.get(args.indexOf("--allow-principal") + 1);
        boolean prefixed = args.contains("--resource-pattern-type")
                && args.get(args.indexOf("--resource-pattern-type") + 1).equals("prefixed");
        ResourceType type = null;
        String name = null;
        for (var option : Map.of("--topic", ResourceType.TOPIC, "--group", ResourceType.GROUP,
                "--transactional-id", ResourceType.TRANSACTIONAL_ID).entrySet()) {
            if (args.contains(option.getKey())) {
                assertThat(type).as("one resource per call").isNull();
                type = option.getValue();
                name = args.get(args.indexOf(option.getKey()) + 1);
            }
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--operation")) {
                AclOperation op = AclOperation.valueOf(args.get(i + 1) // kafka-acls spells DESCRIBE_CONFIGS "DescribeConfigs"
                        .replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
                bindings.add(prefixed ? PipelineAcls.prefixed(principal, type, name, op)
                        : PipelineAcls.allow(principal, type, name, op));
            }
        }
        return bindings;
    }
}
