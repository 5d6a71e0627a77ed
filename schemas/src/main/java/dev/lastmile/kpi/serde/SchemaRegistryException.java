package dev.lastmile.kpi.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A schema registry call failed; the message names the registry URL and the subject or id. */
public class SchemaRegistryException extends SerializationException {

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
