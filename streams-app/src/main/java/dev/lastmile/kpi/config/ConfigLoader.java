package dev.lastmile.kpi.config;

import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Builds a {@link PipelineConfig} in layers, each overriding the one before: defaults, then a
 * properties file, then environment variables ({@code LASTMILE_*}), then command-line overrides.
 * Everything is validated once; the first problem stops start-up with a message naming the
 * setting, where its value came from, and what to write instead.
 */
public final class ConfigLoader {

    /** A ${provider:...} reference as Kafka's ConfigTransformer reads it. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}:]+:[^}]*}");

    private record Value(String text, String origin) {
    }

    private final Map<Setting, Value> values = new EnumMap<>(Setting.class);
    /** The output topic setting of each KPI family, by key, in the order of {@link KpiFamilies#ALL}. */
    private final Map<String, Value> familyTopics = new LinkedHashMap<>();
    private final Map<String, Value> kafka = new TreeMap<>();
    /** Values with ${provider:...} variables resolved; filled by load(). Messages show the raw text. */
    private final Map<Setting, String> resolved = new EnumMap<>(Setting.class);
    private final Map<String, String> resolvedFamilyTopics = new HashMap<>();

    private ConfigLoader() {
        for (Setting s : Setting.values()) {
            values.put(s, new Value(s.defaultValue(), "default"));
        }
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            familyTopics.put(f.topicSetting(), new Value(f.defaultTopic(), "default"));
        }
    }

    /** Defaults only. */
    public static ConfigLoader defaults() {
        return new ConfigLoader();
    }

    /** Layers a properties file over what is there. */
    public ConfigLoader file(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + path + ": " + e.getMessage()
                    + ". Fix: give an existing, readable properties file to --config.");
        }
        for (String key : new TreeMap<>(Map.copyOf(p)).keySet().stream().map(Object::toString).toList()) {
            set(key, p.getProperty(key), "file " + path);
        }
        return this;
    }

    /** Layers environment variables: LASTMILE_WINDOW_GRACE, LASTMILE_KAFKA_SECURITY_PROTOCOL, ... */
    public ConfigLoader environment(Map<String, String> env) {
        Map<String, Setting> byEnv = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            byEnv.put(s.envName(), s);
        }
        Map<String, String> familyByEnv = new LinkedHashMap<>();
        familyTopics.keySet().forEach(key -> familyByEnv.put(Setting.envName(key), key));
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(Setting.ENV_PREFIX)) {
                continue;
            }
            String origin = "environment variable " + name;
            Setting s = byEnv.get(name);
            if (s != null) {
                values.put(s, new Value(e.getValue(), origin));
            } else if (familyByEnv.containsKey(name)) {
                familyTopics.put(familyByEnv.get(name), new Value(e.getValue(), origin));
            } else if (name.startsWith(Setting.ENV_PREFIX + "KAFKA_")) {
                String key = name.substring((Setting.ENV_PREFIX + "KAFKA_").length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                kafka.put(key, new Value(e.getValue(), origin));
            } else {
                throw new ConfigException("Unknown " + origin + ". Fix: remove it, or use one of "
                        + Stream.concat(byEnv.keySet().stream(), familyByEnv.keySet().stream()).toList()
                        + " or LASTMILE_KAFKA_<PROPERTY> for a Kafka property.");
            }
        }
        return this;
    }

    /** Layers explicit key=value overrides (command line). */
    public ConfigLoader overrides(Map<String, String> overrides) {
        new TreeMap<>(overrides).forEach((k, v) -> set(k, v, "command line"));
        return this;
    }

    private void set(String key, String value, String origin) {
        if (key.startsWith(Setting.KAFKA_PREFIX)) {
            kafka.put(key.substring(Setting.KAFKA_PREFIX.length()), new Value(value.trim(), origin));
            return;
        }
        if (key.equals("watermark.idle.timeout")) {
            throw new ConfigException("Setting watermark.idle.timeout in " + origin + " no longer exists: a quiet input "
                    + "partition no longer needs it (its gate reports that it is caught up), and one that is only slow "
                    + "must hold the watermark. Fix: remove it; the safety valve for a partition whose task does not run "
                    + "is watermark.stall.timeout.");
        }
        if (familyTopics.containsKey(key)) {
            familyTopics.put(key, new Value(value.trim(), origin));
            return;
        }
        Setting s = Setting.byKey(key).orElseThrow(() -> new ConfigException("Unknown setting '" + key + "' in "
                + origin + ". Fix: use one of " + Stream.concat(Stream.of(Setting.values()).map(Setting::key),
                        familyTopics.keySet().stream()).toList()
                + ", or kafka.<property> to pass a Kafka client or Streams property."));
        values.put(s, new Value(value.trim(), origin));
    }

    /** Validates every setting and returns the immutable configuration. */
    public PipelineConfig load() {
        resolveVariables();
        String guarantee = text(Setting.PROCESSING_GUARANTEE);
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            throw invalid(Setting.PROCESSING_GUARANTEE, "exactly_once_v2 (default) or at_least_once");
        }
        int threads = positiveInt(Setting.STREAM_THREADS);
        int routeMinDeliveries = positiveInt(Setting.ROUTE_MIN_DELIVERIES);
        String registry = text(Setting.SCHEMA_REGISTRY_URL);
        if (!registry.isEmpty() && !registry.startsWith("mock://") && !registry.startsWith("http://")
                && !registry.startsWith("https://")) {
            throw invalid(Setting.SCHEMA_REGISTRY_URL, "http(s)://host:port or mock://<scope>");
        }
        if (text(Setting.APPLICATION_ID).isEmpty()) {
            throw invalid(Setting.APPLICATION_ID, "a name such as lastmile-kpi");
        }
        TopicNames topics = new TopicNames(topic(Setting.TOPIC_DELIVERY_EVENTS), topic(Setting.TOPIC_TICKET_EVENTS),
                topic(Setting.TOPIC_SURVEY_RESPONSES), topic(Setting.TOPIC_DLQ), topic(Setting.TOPIC_LATE_EVENTS),
                familyTopics(), topic(Setting.TOPIC_KPI_ALERTS), topic(Setting.TOPIC_KPI_TARGETS));
        Map<String, String> kafkaProps = new TreeMap<>();
        kafka.forEach((k, v) -> kafkaProps.put(k, v.text()));
        PipelineConfig config = new PipelineConfig(text(Setting.APPLICATION_ID), text(Setting.BOOTSTRAP_SERVERS), registry,
                text(Setting.SCHEMA_REGISTRY_AUTH), text(Setting.STATE_DIR), guarantee,
                duration(Setting.COMMIT_INTERVAL, false), duration(Setting.KPI_UPDATE_INTERVAL, true), threads, duration(Setting.WINDOW_GRACE, true),
                duration(Setting.STALL_TIMEOUT, false), duration(Setting.MARKER_INTERVAL, false),
                duration(Setting.DEDUP_RETENTION, false), duration(Setting.TICKET_RETENTION, false),
                duration(Setting.COMPLAINT_LOOKBACK, false), duration(Setting.PERFECT_ORDER_COMPLAINT_WINDOW, false),
                routeMinDeliveries, positiveInt(Setting.ALERT_MIN_SAMPLES),
                forecastHorizon(), forecastConfidence(),
                instant(Setting.INPUT_MIN_EVENT_TIME), duration(Setting.INPUT_MAX_FUTURE, true),
                recordBytes(), positiveInt(Setting.INPUT_MAX_REGIONS), positiveInt(Setting.INPUT_MAX_ROUTES_PER_REGION),
                port(Setting.HTTP_PORT),
                text(Setting.HTTP_BIND), bool(Setting.CREATE_OUTPUT_TOPICS), topics, outputTopics(topics), kafkaProps,
                registryRetryBudget(), bool(Setting.METRICS_KAFKA_DETAIL));
        KafkaSettings.check(config, key -> kafka.get(key).origin());
        return config;
    }

    /**
     * The record bound leaves 64 KiB of the producer's max.request.size for what the pipeline adds
     * (DLQ and late headers, the repartition envelope, the batch header), so no write can fail on size.
     */
    private int recordBytes() {
        int limit = KafkaSettings.maxRequestSize(kafka.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().text())));
        int most = limit - KafkaSettings.HEADROOM_BYTES;
        try {
            int n = Integer.parseInt(text(Setting.INPUT_MAX_RECORD_BYTES));
            if (n >= 1024 && n <= most) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(Setting.INPUT_MAX_RECORD_BYTES, "a number of bytes from 1024 to " + most
                + " (the producer's max.request.size " + limit + " minus 64 KiB)");
    }

    private PipelineConfig.OutputTopicSettings outputTopics(TopicNames topics) {
        Set<String> allowed = new TreeSet<>();
        for (String name : text(Setting.ALLOW_DELETION).split(",")) {
            if (!name.isBlank()) {
                allowed.add(name.trim());
            }
        }
        // A misspelt name would silently keep the check on for the topic the operator meant.
        Set<String> checked = new TreeSet<>(topics.outputs());
        checked.add(topics.kpiTargets());
        Set<String> unknown = new TreeSet<>(allowed);
        unknown.removeAll(checked);
        if (!unknown.isEmpty()) {
            throw invalid(Setting.ALLOW_DELETION, "names of checked topics (comma-separated) of " + checked
                    + "; not one of them: " + unknown);
        }
        return new PipelineConfig.OutputTopicSettings(duration(Setting.OUTPUT_RETENTION, false), allowed);
    }

    /** Checks that the broker and the registry are named: all that a client of the topics (consume) needs. */
    public static void requireConnection(PipelineConfig config) {
        if (config.bootstrapServers().isBlank()) {
            throw new ConfigException("Setting bootstrap.servers is not set. Fix: set it in the --config file, as "
                    + Setting.BOOTSTRAP_SERVERS.envName() + ", or with --set bootstrap.servers=host:9092.");
        }
        if (config.schemaRegistryUrl().isBlank()) {
            throw new ConfigException("Setting schema.registry.url is not set. Fix: set it in the --config file, as "
                    + Setting.SCHEMA_REGISTRY_URL.envName() + ", or with --set schema.registry.url=http://host:8081.");
        }
    }

    /** Checks the settings `run` cannot do without, and refuses the guarantee it cannot keep its promise under. */
    public static void requireCluster(PipelineConfig config) {
        requireConnection(config);
        // Under at_least_once the dedup store's changelog can be written ahead of the KPI output, so
        // after a crash the reprocessed record is dropped as a "duplicate" and never counted.
        String guarantee = config.streamsProperties().getProperty("processing.guarantee");
        if (!"exactly_once_v2".equals(guarantee)) {
            throw new ConfigException("Setting processing.guarantee=" + guarantee + " is refused by run: without "
                    + "transactions the de-duplication state can be saved ahead of the KPI output, so a crash would "
                    + "drop records as duplicates. Fix: use exactly_once_v2 (the default; also for kafka.processing.guarantee).");
        }
        // KIP-1071's protocol makes Kafka Streams 4.4 build the main consumer itself, bypassing the
        // client supplier that lets a gate see it has read its partition to the end (tried: with it,
        // a quiet night's windows stay open until the stall timeout).
        String protocol = config.streamsProperties().getProperty("group.protocol", "classic");
        if (!"classic".equalsIgnoreCase(protocol)) {
            throw new ConfigException("Setting kafka.group.protocol=" + protocol + " is refused by run: with it Kafka "
                    + "Streams 4.4 builds its main consumer itself, so an input partition that is read to the end cannot "
                    + "say so and quiet inputs would hold every window open until watermark.stall.timeout. Fix: remove "
                    + "it (classic is the default).");
        }
    }

    /** Bounded well below max.poll.interval.ms (5 min): the stream thread blocks while it retries. */
    private Duration registryRetryBudget() {
        Duration d = duration(Setting.REGISTRY_RETRY_BUDGET, false);
        if (d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw invalid(Setting.REGISTRY_RETRY_BUDGET, "a duration > 0 and up to 1m such as 5s");
        }
        return d;
    }

    private String text(Setting s) {
        return resolved.get(s);
    }

    /**
     * Resolves {@code ${env:NAME}}, {@code ${file:/path:key}}, {@code ${dir:/dir:file}} in our own settings
     * with the config providers declared for Kafka ({@code kafka.config.providers=...}), through Kafka's own
     * code, so a secret such as the registry password can live outside the properties file exactly as
     * kafka.sasl.jaas.config can (the Kafka clients resolve kafka.* values themselves).
     */
    private void resolveVariables() {
        Map<String, Object> originals = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (k.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG)) {
                originals.put(k, v.text());
            }
        });
        values.forEach((s, v) -> originals.put(s.key(), v.text()));
        familyTopics.forEach((key, v) -> originals.put(key, v.text()));
        Map<String, String> out = originals.containsKey(AbstractConfig.CONFIG_PROVIDERS_CONFIG)
                ? new AbstractConfig(new ConfigDef(), originals, Map.of(), false).originalsStrings() : Map.of();
        for (Setting s : Setting.values()) {
            resolved.put(s, resolvedText(s.key(), values.get(s), out));
        }
        familyTopics.forEach((key, v) -> resolvedFamilyTopics.put(key, resolvedText(key, v, out)));
    }

    private static String resolvedText(String key, Value v, Map<String, String> out) {
        String text = out.getOrDefault(key, v.text());
        if (VARIABLE.matcher(text).find()) {
            throw new ConfigException("Setting " + key + "='" + v.text() + "' (from " + v.origin()
                    + ") has a variable no config provider resolved. Fix: declare the provider, e.g. "
                    + "kafka.config.providers=env and kafka.config.providers.env.class="
                    + "org.apache.kafka.common.config.provider.EnvVarConfigProvider, and check that the "
                    + "variable, file or key exists.");
        }
        return text;
    }

    private String topic(Setting s) {
        return topic(s.key(), values.get(s), text(s));
    }

    /** Each KPI family's output topic by family name, in declaration order. */
    private Map<String, String> familyTopics() {
        Map<String, String> names = new LinkedHashMap<>();
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            names.put(f.name(), topic(f.topicSetting(), familyTopics.get(f.topicSetting()),
                    resolvedFamilyTopics.get(f.topicSetting())));
        }
        return Collections.unmodifiableMap(names);
    }

    private static String topic(String key, Value raw, String name) {
        if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw invalid(key, raw, "a Kafka topic name (letters, digits, '.', '_', '-')");
        }
        return name;
    }

    private int port(Setting s) {
        try {
            int n = Integer.parseInt(text(s));
            if (n >= 0 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(s, "a port number from 0 (any free port) to 65535");
    }

    private boolean bool(Setting s) {
        return switch (text(s).toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(s, "true or false");
        };
    }

    /** Hours, 0 (off) to 24: a day ahead is as far as an hourly trend says anything. */
    private int forecastHorizon() {
        try {
            int n = Integer.parseInt(text(Setting.ALERT_FORECAST_HORIZON));
            if (n >= 0 && n <= 24) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(Setting.ALERT_FORECAST_HORIZON, "a whole number of hours from 0 (off) to 24");
    }

    private double forecastConfidence() {
        try {
            double p = Double.parseDouble(text(Setting.ALERT_FORECAST_CONFIDENCE));
            if (p > 0.5 && p <= 0.999) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(Setting.ALERT_FORECAST_CONFIDENCE, "a probability above 0.5 and at most 0.999, such as 0.9");
    }

    private int positiveInt(Setting s) {
        try {
            int n = Integer.parseInt(text(s));
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(s, "a whole number >= 1");
    }

    private Duration duration(Setting s, boolean zeroAllowed) {
        Duration d = Durations.parse(text(s));
        if (d == null || d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(Durations.MAX) > 0) {
            throw invalid(s, (zeroAllowed ? "a duration >= 0" : "a duration > 0") + " and at most "
                    + Durations.MAX.toDays() + "d, such as 500ms, 30s, 15m, 1h or 7d");
        }
        return d;
    }

    /** An instant a long of epoch millis can hold: event times are compared with it. */
    private Instant instant(Setting s) {
        try {
            Instant t = Instant.parse(text(s));
            t.toEpochMilli();
            return t;
        } catch (RuntimeException e) {
            throw invalid(s, "an ISO-8601 UTC instant such as 2000-01-01T00:00:00Z");
        }
    }

    private ConfigException invalid(Setting s, String expected) {
        return invalid(s.key(), values.get(s), expected);
    }

    private static ConfigException invalid(String key, Value v, String expected) {
        return new ConfigException("Setting " + key + "='" + v.text() + "' (from " + v.origin()
                + ") is invalid. Fix: give " + expected + ".");
    }
}
