package dev.lastmile.kpi.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * In-memory registries selected by {@code mock://<scope>} URLs, Confluent's convention: every
 * serde in one JVM configured with the same scope shares one registry, so producers and the
 * pipeline agree on ids without a registry server. Used by the embedded demo and by tests.
 */
public final class MockSchemaRegistry {

    public static final String URL_PREFIX = "mock://";

    private static final Map<String, SchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    /** The registry of {@code scope}, created on first use. */
    public static SchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, InMemoryClient::new);
    }

    /**
     * Makes {@code client} the registry of {@code scope}, so serdes configured with
     * {@code mock://<scope>} use it, e.g. a registry that keeps its ids in a file.
     *
     * @throws IllegalStateException if the scope already has a registry
     */
    public static void bind(String scope, SchemaRegistryClient client) {
        if (SCOPES.putIfAbsent(scope, client) != null) {
            throw new IllegalStateException("Registry scope " + scope + " is in use already");
        }
    }

    /** Forgets a scope, e.g. at the end of a test. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    private static final class InMemoryClient implements SchemaRegistryClient {
        private final String scope;
        private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
        private final Map<Schema, Integer> idBySchema = new ConcurrentHashMap<>();
        private final Map<String, Map<Schema, Integer>> subjects = new ConcurrentHashMap<>();

        InMemoryClient(String scope) {
            this.scope = scope;
        }

        @Override
        public synchronized int register(String subject, Schema schema) {
            // Like the real registry: one global id per distinct schema, shared across subjects.
            int id = idBySchema.computeIfAbsent(schema, s -> {
                int next = byId.size() + 1;
                byId.put(next, s);
                return next;
            });
            subjects.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
            return id;
        }

        @Override
        public Schema schemaById(int id) {
            Schema schema = byId.get(id);
            if (schema == null) {
                throw new SchemaRegistryException("Schema id " + id + " not found in registry " + url());
            }
            return schema;
        }

        @Override
        public String url() {
            return URL_PREFIX + scope;
        }
    }
}
