package dev.lastmile.kpi.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not answer: connection refused, timeout, HTTP 5xx, 429 (rate
 * limited), 401/403 (credentials refused), or the calling thread was interrupted. It says
 * nothing about the record being read or written, so it must never send that record to a
 * dead-letter topic or skip it: retry later, or stop without committing.
 *
 * <p>Deliberately not a {@link org.apache.kafka.common.errors.SerializationException} (nor a
 * {@link SchemaRegistryException}): code that treats those as bad data must not catch this one by
 * accident. A record that is really bad (wrong magic byte, a schema id the registry does not
 * know, bytes Avro cannot read) still fails with a {@code SerializationException}. Nor a
 * {@code RetriableException}: that is an {@code ApiException}, which {@code KafkaProducer.send}
 * turns into a failed future instead of throwing, so a fire-and-forget caller would never see it.
 */
public class SchemaRegistryUnavailableException extends KafkaException {

    private final String registryUrl;
    private final int httpStatus;

    /**
     * @param registryUrl the registry's base URL, for readiness messages and logs
     * @param httpStatus  the HTTP status the registry answered with, or 0 when there was no answer
     */
    public SchemaRegistryUnavailableException(String message, String registryUrl, int httpStatus, Throwable cause) {
        super(message, cause);
        this.registryUrl = registryUrl;
        this.httpStatus = httpStatus;
    }

    /** The registry's base URL. */
    public String registryUrl() {
        return registryUrl;
    }

    /** The HTTP status the registry answered with, or 0 when it did not answer (I/O error, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when {@code e} or one of its causes is a registry outage. */
    public static boolean isCauseOf(Throwable e) {
        return find(e) != null;
    }

    /** The registry outage among {@code e} and its causes, or null. */
    public static SchemaRegistryUnavailableException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException u) {
                return u;
            }
        }
        return null;
    }
}
