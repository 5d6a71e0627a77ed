package dev.lastmile.kpi.tools;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static dev.lastmile.kpi.ArchitectureTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lastmile.kpi.ArchitectureTest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The tools module's packages on top of the product's table ({@link ArchitectureTest}): the test bench's
 * pieces (embedded broker and registry, simulator, replay) are siblings that do not know each other; the demo,
 * the bench and this CLI sit on top; the atomic file write is a helper at the bottom (the JSON contract mapping,
 * json, is the product's).
 * Checked over the product and the tools classes together, so no cycle can pass through the module boundary.
 */
class ToolsArchitectureTest {

    private static final Set<String> PRODUCT = ArchitectureTest.ALLOWED.keySet();

    /** Each tools package and the packages (product or tools) it may depend on. */
    static final Map<String, Set<String>> TOOLS = Map.of(
            "files", Set.of(),
            "embedded", Set.of("serde", "config", "http", "runtime", "files"),
            "sim", Set.of("avro", "serde", "config", "topology", "files", "json"),
            "replay", Set.of("avro", "serde", "config", "kpi", "metrics", "topology", "json"),
            // An independent recomputation of the contract: settings only, no topology, KPI classes or codec.
            "reconcile", Set.of("cli", "config"),
            "demo", union(PRODUCT, Set.of("embedded", "sim", "files", "json")),
            "bench", union(PRODUCT, Set.of("embedded", "sim")),
            "tools", union(PRODUCT, Set.of("embedded", "sim", "replay", "reconcile", "demo", "bench", "files")));

    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // the product's test fixtures
            .importPackages(ROOT);

    @Test
    void shouldKnowEveryPackage() {
        assertThat(ArchitectureTest.packagesUnderRoot(ALL)).as("packages of product and tools (add a new one to"
                + " ArchitectureTest.ALLOWED or TOOLS)").isEqualTo(new TreeSet<>(table().keySet()));
    }

    @Test
    void shouldLetEachPackageUseOnlyThePackagesItsTableAllows() {
        Map<String, Set<String>> table = table();
        table.forEach((pkg, allowed) -> ArchitectureTest.forbidden(pkg, allowed, table.keySet()).ifPresent(
                others -> noClasses().that().resideInAPackage(ROOT + "." + pkg + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(others)
                        .because(pkg + " may use only " + new TreeSet<>(allowed))
                        .check(ALL)));
    }

    @Test
    void shouldHaveNoCyclesBetweenPackagesOfEitherModule() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(ALL);
    }

    private static Map<String, Set<String>> table() {
        Map<String, Set<String>> all = new HashMap<>(ArchitectureTest.ALLOWED);
        all.putAll(TOOLS);
        return all;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
