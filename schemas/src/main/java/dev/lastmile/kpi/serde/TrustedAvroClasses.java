package dev.lastmile.kpi.serde;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 only instantiates classes it trusts. A serde built for a generated class is an
 * explicit decision to trust that class and the named types (records, enums) inside its schema,
 * so the serde registers exactly those names; nothing else is opened up.
 */
public final class TrustedAvroClasses {

    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private TrustedAvroClasses() {
    }

    public static void trust(Schema schema) {
        install();
        Deque<Schema> todo = new ArrayDeque<>();
        todo.push(schema);
        while (!todo.isEmpty()) {
            Schema s = todo.pop();
            switch (s.getType()) {
                case RECORD -> {
                    if (NAMES.add(s.getFullName())) {
                        s.getFields().forEach(f -> todo.push(f.schema()));
                    }
                }
                case ENUM, FIXED -> NAMES.add(s.getFullName());
                case UNION -> s.getTypes().forEach(todo::push);
                case ARRAY -> todo.push(s.getElementType());
                case MAP -> todo.push(s.getValueType());
                default -> {
                }
            }
        }
    }

    private static synchronized void install() {
        if (!installed) {
            ClassSecurityValidator.ClassSecurityPredicate ours = cls -> NAMES.contains(cls.getName());
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
            installed = true;
        }
    }
}
