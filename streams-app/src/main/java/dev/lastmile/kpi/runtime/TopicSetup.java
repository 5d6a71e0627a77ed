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
                        + ". Fix: create them, or point the topic.* settings at the right names.");
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
    }

    private static Set<String> missing(Admin admin, List<String> wanted, PipelineConfig config)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(existing);
        return missing;
    }

    private static ConfigException unreachable(PipelineConfig config, Exception e) {
        return new ConfigException("Cannot reach Kafka at bootstrap.servers=" + config.bootstrapServers() + ": " + e
                + ". Fix: check the address and the kafka.* security settings.");
    }
}
