package dev.lastmile.kpi.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A schema registry call failed; the message names the registry URL and the subject or id. */
public class SchemaRegistryException extends SerializationException {

    private final int status;

    public SchemaRegistryException(String message) {
        this(message, 0);
    }

    /** @param status the HTTP status the registry answered with */
    public SchemaRegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status the registry answered with (e.g. 404, 409, 422), or 0 when it did not answer one. */
    public int status() {
        return status;
    }
}
