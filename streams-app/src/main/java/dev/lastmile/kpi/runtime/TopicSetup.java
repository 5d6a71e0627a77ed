package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Start-up checks and creation of the contract's topics. Inputs must exist (their partition counts
 * feed the watermark); outputs are created when missing and allowed, else reported.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /** Partition count of every input topic; stops start-up naming the ones that do not exist. */
    public static Map<String, Integer> inputPartitions(PipelineConfig config) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            Set<String> missing = missing(admin, config.topics().inputs(), config);
            if (!missing.isEmpty()) {
                throw new ConfigException("Input topics " + missing + " do not exist on " + config.bootstrapServers()
                        + " (or, with ACLs, this principal may not see them). Fix: create them, point the topic.* "
                        + "settings at the right names, or grant READ on them (deploy/kafka-acls.sh).");
            }
            Map<String, Integer> partitions = new TreeMap<>();
            for (TopicDescription d : admin.describeTopics(config.topics().inputs()).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values()) {
                partitions.put(d.name(), d.partitions().size());
            }
            return partitions;
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(config, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(config, e);
        }
    }

    /**
     * Creates missing output topics and the compacted targets topic (broker defaults for
     * partitions and replicas), or names them.
     */
    public static List<String> ensureOutputs(PipelineConfig config, boolean create) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            List<String> wanted = new ArrayList<>(config.topics().outputs());
            wanted.add(config.topics().kpiTargets());
            Set<String> missing = missing(admin, wanted, config);
            if (missing.isEmpty()) {
                return List.of();
            }
            if (!create) {
                throw new ConfigException("Output topics " + missing + " do not exist on " + config.bootstrapServers()
                        + ". Fix: create them, or set create.output.topics=true to let the pipeline do it.");
            }
            create(admin, missing.stream().map(t -> t.equals(config.topics().kpiTargets())
                    ? new NewTopic(t, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact"))
                    : new NewTopic(t, Optional.empty(), Optional.empty())).toList());
            return new ArrayList<>(missing);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(config, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(config, e);
        }
    }

    /** Every topic of the contract with {@code partitions} partitions and one replica (embedded broker). */
    public static void createAll(Admin admin, PipelineConfig config, int partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<NewTopic> topics = new ArrayList<>();
        config.topics().inputs().forEach(t -> topics.add(new NewTopic(t, partitions, (short) 1)));
        config.topics().outputs().forEach(t -> topics.add(new NewTopic(t, partitions, (short) 1)));
        topics.add(new NewTopic(config.topics().kpiTargets(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")));
        create(admin, topics);
    }

    private static void create(Admin admin, List<NewTopic> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        for (var result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
    }

    /**
     * Waits until every partition of {@code topics} answers on its leader. Producing into a topic
     * the moment it is created can hit a partition whose leader is not ready yet; an idempotent
     * producer's retry of that first batch can then fail with OUT_OF_ORDER_SEQUENCE for good.
     */
    public static void awaitLeaders(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                        new java.util.HashMap<>();
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                        .values()) {
                    d.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(d.name(),
                            p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
                }
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS); // answered only by ready leaders
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static Set<String> missing(Admin admin, List<String> wanted, PipelineConfig config)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(existing);
        return missing;
    }

    private static ConfigException unreachable(PipelineConfig config, Exception e) {
        // A denied request is not an unreachable cluster: say what was denied.
        java.util.Optional<String> denied = AuthorizationFailure.explain(e);
        if (denied.isPresent()) {
            return new ConfigException(denied.get());
        }
        return new ConfigException("Cannot reach Kafka at bootstrap.servers=" + config.bootstrapServers() + ": " + e
                + ". Fix: check the address and the kafka.* security settings.");
    }
}
