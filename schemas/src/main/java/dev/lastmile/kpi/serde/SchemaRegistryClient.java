package dev.lastmile.kpi.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that a producer and a consumer need.
 * Implementations cache: a schema is registered once per subject, and an id is fetched once.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Where this client points, for error messages and logs. */
    String url();

    /**
     * Checks that the registry answers and accepts our credentials, e.g. at start-up.
     *
     * @throws SchemaRegistryUnavailableException when it is unreachable, failing or refuses us
     * @throws SchemaRegistryException when it answers something no registry would (wrong URL path)
     */
    default void check() {
    }
}
