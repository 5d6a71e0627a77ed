package dev.lastmile.kpi.embedded;

import dev.lastmile.kpi.serde.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Subjects and versions for a registry that does not list them (the tests' in-memory mock): what was
 * registered through this wrapper, i.e. over the embedded registry's HTTP API. Registrations made in-process
 * past it (the pipeline's own serdes on a mock:// scope) get ids but are not listed.
 */
final class RecordedSubjects implements SchemaRegistryClient, SubjectVersions {

    private final SchemaRegistryClient backing;
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();

    RecordedSubjects(SchemaRegistryClient backing) {
        this.backing = backing;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = backing.register(subject, schema);
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        return backing.schemaById(id);
    }

    @Override
    public String url() {
        return backing.url();
    }

    @Override
    public synchronized Map<String, List<Integer>> subjects() {
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        subjects.forEach((s, ids) -> copy.put(s, List.copyOf(ids)));
        return copy;
    }
}
