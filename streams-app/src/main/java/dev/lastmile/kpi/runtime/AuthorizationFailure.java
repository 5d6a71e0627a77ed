package dev.lastmile.kpi.runtime;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Names a missing ACL when that is why the pipeline stopped. Kafka Streams wraps the broker's
 * denial in its own exceptions; an operator should read what was denied and where the list of
 * rights is, not dig for it in a stack trace.
 */
public final class AuthorizationFailure {

    private AuthorizationFailure() {
    }

    /** One line for an operator if {@code failure} (or a cause) is an authorization error. */
    public static Optional<String> explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException denied) {
                return Optional.of("Kafka denied this application's principal an operation ("
                        + denied.getClass().getSimpleName() + ": " + denied.getMessage() + "). Fix: grant the ACLs "
                        + "of deploy/kafka-acls.sh (README, Security) to the user in kafka.sasl.jaas.config.");
            }
        }
        return Optional.empty();
    }
}
