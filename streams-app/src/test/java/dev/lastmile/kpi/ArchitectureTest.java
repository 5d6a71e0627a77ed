package dev.lastmile.kpi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The product's package structure, pinned: which package may use which (a table, bottom to top), no cycles,
 * and no test bench on the product's class path. A new package, or a new arrow between two, fails here until
 * the table says it is meant.
 *
 * <p>That product code never imports the tools module (embedded, sim, replay, files, demo, tools) is
 * enforced by the build itself: those packages are not on this module's class path, so such an import does not
 * compile. The tools module's own table, built on this one, is {@code dev.lastmile.kpi.tools.ToolsArchitectureTest}.
 */
public class ArchitectureTest {

    public static final String ROOT = "dev.lastmile.kpi";

    /**
     * Each product package and the product packages it may depend on. Bottom to top: the contract (schemas
     * module: generated Avro classes, the wire-format serde); codec; the pure domain (kpi: formulas, no Kafka);
     * the KPI families declared once (family: name, output topic setting, schema, alerts), which config reads
     * for the output topic settings; the pieces beside the domain (watermark, metrics, registry); the one topology; the runtime that runs
     * it; the ops HTTP endpoints; the command line.
     */
    public static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("avro", Set.of()),
            Map.entry("serde", Set.of()),
            Map.entry("codec", Set.of()),
            // The contract's JSON form of a record (replay's output, consume's lines): Avro and Jackson only.
            Map.entry("json", Set.of()),
            Map.entry("kpi", Set.of("avro", "codec")),
            Map.entry("family", Set.of("avro", "kpi")),
            Map.entry("config", Set.of("family")),
            Map.entry("watermark", Set.of("codec")),
            // metrics reads the contract's default targets (kpi.AlertRules) for lastmile_kpi_target, and the
            // gauges each KPI family declares.
            Map.entry("metrics", Set.of("avro", "kpi", "family")),
            Map.entry("registry", Set.of("config", "serde")),
            Map.entry("topology", Set.of("avro", "serde", "codec", "config", "kpi", "family", "watermark", "metrics")),
            Map.entry("runtime", Set.of("avro", "serde", "config", "watermark", "metrics", "registry", "topology")),
            Map.entry("http", Set.of("config", "registry", "runtime")),
            // consume: decodes and prints the pipeline's topics for people and scripts downstream.
            Map.entry("consume", Set.of("avro", "serde", "config", "family", "json", "topology")),
            Map.entry("cli", Set.of("avro", "serde", "config", "metrics", "registry", "topology", "runtime",
                    "http", "consume")));

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void shouldKnowEveryProductPackage() {
        assertThat(packagesUnderRoot(PRODUCT)).as("packages of the product (add a new one to ALLOWED)")
                .isEqualTo(new TreeSet<>(ALLOWED.keySet()));
    }

    @Test
    void shouldLetEachPackageUseOnlyThePackagesBelowItInTheTable() {
        ALLOWED.forEach((pkg, allowed) -> forbidden(pkg, allowed, ALLOWED.keySet()).ifPresent(
                others -> noClasses().that().resideInAPackage(ROOT + "." + pkg + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(others)
                        .because(pkg + " may use only " + allowed)
                        .check(PRODUCT)));
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void shouldKeepTheKpiFormulasFreeOfKafka() {
        noClasses().that().resideInAPackage(ROOT + ".kpi..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("KPI formulas are plain Java over the contract's records, tested without Kafka")
                .check(PRODUCT);
    }

    @Test
    void shouldNotNeedTheBrokerOrTheTestDriverToRun() {
        // Both are on this module's test class path (TopologyTestDriver tests); run must not use them.
        noClasses().should().dependOnClassesThat().resideInAnyPackage("kafka..", "org.apache.kafka.server..",
                        "org.apache.kafka.metadata..", "org.apache.kafka.raft..")
                .orShould().dependOnClassesThat().haveNameMatching("org\\.apache\\.kafka\\.streams\\.(TopologyTestDriver|Test.*)")
                .orShould().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams.test..")
                .because("the product jar ships neither; the tools module has the embedded broker and replay")
                .check(PRODUCT);
    }

    /** The first package segment under the root of each class, e.g. "topology". */
    public static Set<String> packagesUnderRoot(JavaClasses classes) {
        return classes.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith(ROOT + "."))
                .map(p -> p.substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The package patterns {@code pkg} must not use: every known package but itself and those allowed. */
    public static Optional<String[]> forbidden(String pkg, Set<String> allowed, Set<String> known) {
        String[] others = known.stream().filter(p -> !p.equals(pkg) && !allowed.contains(p))
                .map(p -> ROOT + "." + p + "..").sorted().toArray(String[]::new);
        return others.length == 0 ? Optional.empty() : Optional.of(others);
    }
}
