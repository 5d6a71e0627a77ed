package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;
import dev.lastmile.kpi.topology.LastmileTopology;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kafka Streams client of the lastmile topology, with its lifecycle logged once per
 * change: used by {@code run}, {@code demo} and the integration tests alike.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable failure;

    public Pipeline(PipelineConfig config, TopologyOptions options) {
        // The gates ask their thread's consumer whether their partition is read to the end.
        ConsumerPositions positions = new ConsumerPositions();
        this.streams = new KafkaStreams(LastmileTopology.build(config, options.withCatchUp(positions)),
                config.streamsProperties(), positions.clientSupplier());
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(options.metrics().registry());
        options.metrics().streamsState(streams.state());
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            options.metrics().streamsState(now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Counter replaced = Counter.builder("lastmile.stream.threads.replaced")
                .description("Stream threads replaced after waiting too long for the schema registry")
                .register(options.metrics().registry());
        streams.setUncaughtExceptionHandler(e -> {
            SchemaRegistryUnavailableException outage = SchemaRegistryUnavailableException.find(e);
            if (outage != null) {
                // The registry is out, not the data: a new thread takes the tasks over from their last
                // committed offsets (exactly_once_v2 aborts the failed thread's open transaction) and
                // waits for the registry again. Shutting the client down would only restart the same
                // wait; RegistryHealth logs the outage once, so no stack trace per replacement here.
                replaced.increment();
                LOG.info("Replacing a stream thread that gave up waiting for schema registry {}; its tasks resume "
                        + "from their last commit", outage.registryUrl());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            failure = e;
            LOG.error("A stream thread failed; shutting this client down so it restarts cleanly", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    public Pipeline start() {
        streams.start();
        return this;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public Throwable failure() {
        return failure;
    }

    /** Blocks until the client stopped (shutdown or error); returns true when it ended in error. */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return streams.state() == KafkaStreams.State.ERROR || failure != null;
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isRunning()) {
                return true;
            }
            if (stopped.await(100, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return isRunning();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
    }
}
