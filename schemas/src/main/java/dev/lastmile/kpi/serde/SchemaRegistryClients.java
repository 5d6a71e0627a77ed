package dev.lastmile.kpi.serde;

import java.time.Duration;
import java.util.Map;

/** Builds the registry client that a URL names: {@code mock://scope} or {@code http(s)://host:port}. */
public final class SchemaRegistryClients {

    /** The registry URL; one URL (a comma-separated list is cut to its first entry). */
    public static final String URL_CONFIG = "schema.registry.url";
    /** {@code user:password} for HTTP basic auth, Confluent's key. */
    public static final String BASIC_AUTH_CONFIG = "basic.auth.user.info";
    /** The same, with the {@code schema.registry.} prefix Confluent also accepts. */
    public static final String PREFIXED_BASIC_AUTH_CONFIG = "schema.registry.basic.auth.user.info";

    /** Per request, for clients built from Kafka serde configs. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo) {
        return forUrl(url, basicAuthUserInfo, DEFAULT_TIMEOUT);
    }

    /** @param timeout per HTTP request (connect, and the whole exchange); a hung registry counts as unavailable after it */
    public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo, Duration timeout) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(URL_CONFIG + " is not set: give mock://<scope> or http(s)://host:port");
        }
        String first = url.split(",")[0].trim();
        if (first.startsWith(MockSchemaRegistry.URL_PREFIX)) {
            return MockSchemaRegistry.forScope(first.substring(MockSchemaRegistry.URL_PREFIX.length()));
        }
        if (first.startsWith("http://") || first.startsWith("https://")) {
            return new HttpSchemaRegistryClient(first, basicAuthUserInfo, timeout);
        }
        throw new IllegalArgumentException(URL_CONFIG + "=" + url + " is not a registry URL: give mock://<scope> or "
                + "http(s)://host:port");
    }

    /** From Kafka-style serde configs. */
    public static SchemaRegistryClient fromConfigs(Map<String, ?> configs) {
        Object url = configs.get(URL_CONFIG);
        Object auth = configs.containsKey(BASIC_AUTH_CONFIG) ? configs.get(BASIC_AUTH_CONFIG)
                : configs.get(PREFIXED_BASIC_AUTH_CONFIG);
        return forUrl(url == null ? null : url.toString(), auth == null ? null : auth.toString());
    }
}
