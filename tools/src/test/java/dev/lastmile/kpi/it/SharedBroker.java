package dev.lastmile.kpi.it;

import dev.lastmile.kpi.embedded.EmbeddedKafka;

/**
 * One real broker for all integration tests in this JVM, started on first use and stopped when
 * the JVM exits. Tests stay isolated by their own topic names, application ids and registry
 * scopes ({@link ItEnvironment}), so sharing only saves start-up time.
 */
final class SharedBroker {

    private static EmbeddedKafka broker;

    private SharedBroker() {
    }

    static synchronized EmbeddedKafka get() {
        if (broker == null) {
            broker = EmbeddedKafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-broker-stop"));
        }
        return broker;
    }
}
