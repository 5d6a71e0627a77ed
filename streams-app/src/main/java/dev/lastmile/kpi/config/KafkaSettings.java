package dev.lastmile.kpi.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks the {@code kafka.*} pass-through properties with Kafka's own definitions at load time, so
 * a wrong type or an unknown enum value stops start-up with one line naming the setting, instead of
 * failing inside the Streams client after topics were created.
 */
final class KafkaSettings {

    /** What the pipeline may add to a record of input.max.record.bytes: headers, envelope, batch. */
    static final int HEADROOM_BYTES = 64 * 1024;
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    private static final Pattern NAMED = Pattern.compile("configuration ([^ :]+)");

    private KafkaSettings() {
    }

    /** The Streams producer's max.request.size: kafka.producer.max.request.size, kafka.max.request.size or 1 MiB. */
    static int maxRequestSize(Map<String, String> kafka) {
        String v = kafka.getOrDefault("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                kafka.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        try {
            return v == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_REQUEST_SIZE; // check() reports the bad value itself
        }
    }

    /** Validates the Streams, producer, consumer and admin configurations the clients will build. */
    static void check(PipelineConfig config, Function<String, String> originOf) {
        Properties props = config.streamsProperties();
        try {
            StreamsConfig streams = new StreamsConfig(props);
            // Streams sets the byte-array serdes of its clients itself; the check has to name them.
            Map<String, Object> producer = new HashMap<>(streams.getProducerConfigs("lastmile-check"));
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            new ProducerConfig(producer);
            Map<String, Object> consumer = new HashMap<>(
                    streams.getMainConsumerConfigs("lastmile-check", "lastmile-check", 0));
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            new ConsumerConfig(consumer);
            new AdminClientConfig(streams.getAdminConfigs("lastmile-check"));
        } catch (org.apache.kafka.common.config.ConfigException e) { // Kafka's; ours is thrown below
            throw new ConfigException(describe(e.getMessage(), config.kafkaProperties(), originOf));
        }
    }

    private static String describe(String kafkaMessage, Map<String, String> given, Function<String, String> originOf) {
        Matcher m = NAMED.matcher(kafkaMessage);
        String name = m.find() ? m.group(1) : null;
        String key = name == null ? null : given.containsKey(name) ? name
                : given.keySet().stream().filter(k -> k.endsWith("." + name)).findFirst().orElse(null);
        if (key == null) {
            return "Kafka configuration is invalid: " + kafkaMessage + ". Fix: correct the kafka.* settings.";
        }
        return "Setting kafka." + key + "='" + given.get(key) + "' (from " + originOf.apply(key) + ") is invalid: "
                + kafkaMessage.replaceAll("\\.$", "") + ". Fix: give a value Kafka accepts for " + name
                + " (see the Kafka client and Streams configuration docs), or remove it.";
    }
}
