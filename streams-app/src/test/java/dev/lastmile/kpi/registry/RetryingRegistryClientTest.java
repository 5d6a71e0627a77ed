package dev.lastmile.kpi.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class RetryingRegistryClientTest {

    private static final String URL = "http://registry.test:8081";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RegistryHealth health = new RegistryHealth(URL, meters);

    /** Fails with an outage for the first {@code outageCalls} calls, then answers. */
    private static final class FlakyRegistry implements SchemaRegistryClient {
        final AtomicInteger calls = new AtomicInteger();
        volatile int outageCalls;
        volatile RuntimeException otherError;

        @Override
        public int register(String subject, Schema schema) {
            return answer();
        }

        @Override
        public Schema schemaById(int id) {
            answer();
            return DeliveryEvent.getClassSchema();
        }

        private int answer() {
            if (otherError != null) {
                calls.incrementAndGet();
                throw otherError;
            }
            if (calls.incrementAndGet() <= outageCalls) {
                throw new SchemaRegistryUnavailableException("HTTP 503 down", URL, 503, null);
            }
            return 42;
        }

        @Override
        public String url() {
            return URL;
        }
    }

    private double failures(String operation) {
        return meters.get("lastmile.schema.registry.failures").tag("operation", operation).counter().count();
    }

    private double up() {
        return meters.get("lastmile.schema.registry.up").gauge().value();
    }

    @Test
    void shouldHaveEveryMeterFromTheStart() {
        assertThat(failures(RegistryHealth.FETCH)).isZero();
        assertThat(failures(RegistryHealth.REGISTER)).isZero();
        assertThat(up()).isEqualTo(1.0);
        assertThat(health.problem()).isEmpty();
    }

    @Test
    void shouldRetryAnOutageWithBackoffAndRecoverWithinTheBudget() {
        FlakyRegistry flaky = new FlakyRegistry();
        flaky.outageCalls = 3;
        RetryingRegistryClient client = new RetryingRegistryClient(flaky, health, Duration.ofSeconds(5));
        long start = System.nanoTime();
        assertThat(client.register("t-value", DeliveryEvent.getClassSchema())).isEqualTo(42);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(flaky.calls).hasValue(4);
        assertThat(tookMs).as("backoff 100 + 200 + 400 ms").isBetween(650L, 3_000L);
        assertThat(failures(RegistryHealth.REGISTER)).isEqualTo(3.0);
        assertThat(health.problem()).as("recovered").isEmpty();
        assertThat(up()).isEqualTo(1.0);
    }

    @Test
    void shouldGiveUpAfterTheBudgetWithTheOutageAndReportItUntilACallSucceeds() {
        FlakyRegistry flaky = new FlakyRegistry();
        flaky.outageCalls = Integer.MAX_VALUE;
        RetryingRegistryClient client = new RetryingRegistryClient(flaky, health, Duration.ofMillis(1_500));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(SchemaRegistryUnavailableException.class);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).as("bounded by the budget").isBetween(1_400L, 2_500L);
        assertThat(flaky.calls.get()).as("100, 200, 400, 800 ms apart").isBetween(4, 6);
        assertThat(failures(RegistryHealth.FETCH)).isEqualTo(flaky.calls.get());
        assertThat(up()).isZero();
        assertThat(health.problem()).hasValueSatisfying(p -> assertThat(p)
                .startsWith("schema registry " + URL + " failing since ").contains("HTTP 503 down"));

        flaky.outageCalls = 0;
        client.schemaById(7);
        assertThat(health.problem()).isEmpty();
        assertThat(up()).isEqualTo(1.0);
    }

    @Test
    void shouldPassErrorsThatBlameTheRecordThroughAtOnce() {
        FlakyRegistry flaky = new FlakyRegistry();
        flaky.otherError = new SchemaRegistryException("Schema registry x failed to fetch schema id 7: HTTP 404");
        RetryingRegistryClient client = new RetryingRegistryClient(flaky, health, Duration.ofSeconds(5));
        assertThatThrownBy(() -> client.schemaById(7)).isSameAs(flaky.otherError);
        assertThat(flaky.calls).hasValue(1);
        assertThat(failures(RegistryHealth.FETCH)).isZero();
        assertThat(health.problem()).isEmpty();
    }

    @Test
    void shouldStopWaitingWhenTheThreadIsInterrupted() {
        FlakyRegistry flaky = new FlakyRegistry();
        flaky.outageCalls = Integer.MAX_VALUE;
        RetryingRegistryClient client = new RetryingRegistryClient(flaky, health, Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(SchemaRegistryUnavailableException.class);
            assertThat(flaky.calls).hasValue(1);
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }
}
