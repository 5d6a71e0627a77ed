package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.PipelineConfig;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks and creation of the contract's topics. Inputs must exist (their partition counts
 * feed the watermark); outputs are created when missing and allowed, else reported, and their
 * configs must keep what their consumers need ({@link OutputTopicPolicy}).
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

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
     * Creates missing output topics and the targets topic with the configs of
     * {@link OutputTopicPolicy} (broker defaults for partitions and replicas), or names them; then
     * checks that no output topic's config lets the broker delete records it must keep.
     */
    public static List<String> ensureOutputs(PipelineConfig config, boolean create) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            List<String> wanted = checked(config);
            Set<String> missing = missing(admin, wanted, config);
            if (!missing.isEmpty() && !create) {
                throw new ConfigException("Output topics " + missing + " do not exist on " + config.bootstrapServers()
                        + ". Fix: create them, or set create.output.topics=true to let the pipeline do it.");
            }
            if (!missing.isEmpty()) {
                create(admin, missing.stream().map(t -> newTopic(t, t.equals(config.topics().kpiTargets())
                        ? Optional.of(1) : Optional.empty(), Optional.empty(), config)).toList());
            }
            checkConfigs(admin, config);
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
        createAll(admin, config, partitions, partitions);
    }

    /** Every topic of the contract, one replica: inputs and outputs with the partition counts given. */
    public static void createAll(Admin admin, PipelineConfig config, int inputPartitions, int outputPartitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<NewTopic> topics = new ArrayList<>();
        config.topics().inputs().forEach(t -> topics.add(new NewTopic(t, inputPartitions, (short) 1)));
        config.topics().outputs().forEach(t -> topics.add(newTopic(t, Optional.of(outputPartitions),
                Optional.of((short) 1), config)));
        topics.add(newTopic(config.topics().kpiTargets(), Optional.of(1), Optional.of((short) 1), config));
        create(admin, topics);
        checkConfigs(admin, config);
    }

    /**
     * Stops start-up with one line when an existing output topic's config lets the broker delete
     * records it must keep, unless the operator accepted it for that topic.
     */
    static void checkConfigs(Admin admin, PipelineConfig config)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = checked(config).stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> actual = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        Map<String, String> problems = new TreeMap<>();
        for (ConfigResource r : resources) {
            Map<String, String> values = new HashMap<>();
            actual.get(r).entries().forEach(e -> values.put(e.name(), e.value()));
            OutputTopicPolicy.problem(r.name(), values, config).ifPresent(p -> {
                if (config.outputTopics().allowDeletion().contains(r.name())) {
                    LOG.warn("{} (accepted by output.topics.allow-deletion)", p);
                } else {
                    problems.put(r.name(), p);
                }
            });
        }
        if (!problems.isEmpty()) {
            String first = problems.keySet().iterator().next();
            throw new ConfigException(problems.get(first) + (problems.size() == 1 ? ""
                    : " The same check fails for " + new TreeSet<>(problems.keySet()).tailSet(first, false) + "."));
        }
    }

    /** The topics whose configs are checked: outputs and the targets topic. */
    private static List<String> checked(PipelineConfig config) {
        List<String> topics = new ArrayList<>(config.topics().outputs());
        topics.add(config.topics().kpiTargets());
        return topics;
    }

    private static NewTopic newTopic(String name, Optional<Integer> partitions, Optional<Short> replicas,
                                     PipelineConfig config) {
        return new NewTopic(name, partitions, replicas).configs(OutputTopicPolicy.configs(name, config));
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
                Map<TopicPartition, OffsetSpec> latest =
                        new HashMap<>();
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                        .values()) {
                    d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(),
                            p.partition()), OffsetSpec.latest()));
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
        Optional<String> denied = AuthorizationFailure.explain(e);
        if (denied.isPresent()) {
            return new ConfigException(denied.get());
        }
        return new ConfigException("Cannot reach Kafka at bootstrap.servers=" + config.bootstrapServers() + ": " + e
                + ". Fix: check the address and the kafka.* security settings.");
    }
}
