package dev.lastmile.kpi.it;

import dev.lastmile.kpi.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The minimal ACLs of the pipeline's principal, found by running it on a secured broker
 * (SecuredPipelineIntegrationTest) and the same list deploy/kafka-acls.sh grants
 * (KafkaAclsScriptTest). Each ACL's operation implies DESCRIBE, which `run`'s start-up checks need.
 */
final class PipelineAcls {

    private PipelineAcls() {
    }

    static List<AclBinding> of(String principal, PipelineConfig config) {
        String app = config.applicationId();
        List<AclBinding> acls = new ArrayList<>();
        config.topics().inputs().forEach(t -> acls.add(allow(principal, ResourceType.TOPIC, t, AclOperation.READ)));
        acls.add(allow(principal, ResourceType.TOPIC, config.topics().kpiTargets(), AclOperation.READ));
        config.topics().outputs().forEach(t -> acls.add(allow(principal, ResourceType.TOPIC, t, AclOperation.WRITE)));
        // run checks at start-up that no output or targets topic would delete its records.
        config.topics().outputs().forEach(t -> acls.add(allow(principal, ResourceType.TOPIC, t,
                AclOperation.DESCRIBE_CONFIGS)));
        acls.add(allow(principal, ResourceType.TOPIC, config.topics().kpiTargets(), AclOperation.DESCRIBE_CONFIGS));
        // Internal topics (repartition, changelog) are named <application.id>-...: Streams creates them,
        // reads and writes them, and purges consumed repartition records.
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE)) {
            acls.add(prefixed(principal, ResourceType.TOPIC, app + "-", op));
        }
        acls.add(allow(principal, ResourceType.GROUP, app, AclOperation.READ));
        // exactly_once_v2: one transactional producer per stream thread, id <application.id>-<process>-<n>.
        acls.add(prefixed(principal, ResourceType.TRANSACTIONAL_ID, app + "-", AclOperation.WRITE));
        return acls;
    }

    static AclBinding allow(String principal, ResourceType type, String name, AclOperation op) {
        return binding(principal, new ResourcePattern(type, name, PatternType.LITERAL), op);
    }

    static AclBinding prefixed(String principal, ResourceType type, String prefix, AclOperation op) {
        return binding(principal, new ResourcePattern(type, prefix, PatternType.PREFIXED), op);
    }

    private static AclBinding binding(String principal, ResourcePattern pattern, AclOperation op) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
