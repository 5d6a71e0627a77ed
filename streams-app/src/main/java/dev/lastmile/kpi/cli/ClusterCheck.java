package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.PipelineConfig;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** Start-up checks against the cluster: the input topics must exist; their partition counts feed the watermark. */
final class ClusterCheck {

    private ClusterCheck() {
    }

    static Map<String, Integer> inputPartitions(PipelineConfig config) throws InterruptedException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            TreeSet<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            TreeSet<String> missing = new TreeSet<>(config.topics().inputs());
            missing.removeAll(existing);
            if (!missing.isEmpty()) {
                throw new ConfigException("Input topics " + missing + " do not exist on " + config.bootstrapServers()
                        + ". Fix: create them, or point topic.* settings at the right names.");
            }
            Map<String, Integer> partitions = new TreeMap<>();
            for (TopicDescription d : admin.describeTopics(config.topics().inputs()).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values()) {
                partitions.put(d.name(), d.partitions().size());
            }
            return partitions;
        } catch (ExecutionException | TimeoutException e) {
            throw new ConfigException("Cannot reach Kafka at bootstrap.servers=" + config.bootstrapServers() + ": "
                    + e.getMessage() + ". Fix: check the address and the kafka.* security settings.");
        }
    }
}
