package dev.lastmile.kpi.registry;

import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * Retries registry calls that fail because the registry is out ({@link SchemaRegistryUnavailableException}),
 * with exponential backoff, for at most {@code budget}; then rethrows, so the stream thread fails
 * and is replaced (see {@code Pipeline}) instead of the record being dead-lettered. Other errors
 * (an unknown schema id, an incompatible schema) are the record's or the deployment's and pass
 * through at once.
 *
 * <p>The budget, plus one request timeout, must stay well below {@code max.poll.interval.ms}
 * (5 min) and, under exactly_once_v2, below the producer's {@code transaction.timeout.ms} (10 s):
 * the thread blocks here while its transaction is open.
 */
public final class RetryingRegistryClient implements SchemaRegistryClient {

    /** Per HTTP request: a registry that takes longer is treated as out, and the attempt retried. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 1_000;

    private final SchemaRegistryClient delegate;
    private final RegistryHealth health;
    private final long budgetNanos;

    public RetryingRegistryClient(SchemaRegistryClient delegate, RegistryHealth health, Duration budget) {
        this.delegate = delegate;
        this.health = health;
        this.budgetNanos = budget.toNanos();
    }

    @Override
    public int register(String subject, Schema schema) {
        return retrying(RegistryHealth.REGISTER, () -> delegate.register(subject, schema));
    }

    @Override
    public Schema schemaById(int id) {
        return retrying(RegistryHealth.FETCH, () -> delegate.schemaById(id));
    }

    @Override
    public String url() {
        return delegate.url();
    }

    @Override
    public void check() {
        delegate.check();
    }

    private <T> T retrying(String operation, Supplier<T> call) {
        long deadline = System.nanoTime() + budgetNanos;
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            try {
                T result = call.get();
                health.succeeded();
                return result;
            } catch (SchemaRegistryUnavailableException e) {
                health.failed(operation, e);
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0 || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(backoff, leftMs));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt(); // a shutdown: stop waiting, the record is not to blame
                    throw e;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }
}
