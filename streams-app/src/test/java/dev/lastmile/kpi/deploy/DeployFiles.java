package dev.lastmile.kpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files under deploy/, read as the tools read them, and the real tools run on them. */
public final class DeployFiles {

    public static final Path DEPLOY = Path.of("..", "deploy");
    public static final Path PROMETHEUS = DEPLOY.resolve("prometheus");
    public static final Path RULES = PROMETHEUS.resolve("rules");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SELECTOR = Pattern.compile("\\{[^{}]*}");
    private static final Pattern METRIC = Pattern.compile("(?<![A-Za-z0-9_:])(?:(?:lastmile|kafka|jvm|process)_[a-z0-9_]+|up)"
            + "(?![A-Za-z0-9_:(])");

    private DeployFiles() {
    }

    public static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Path> ruleFiles() {
        try (Stream<Path> files = Files.list(RULES)) {
            return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every rule (recording and alerting) of every rule file. */
    public static List<JsonNode> rules() {
        List<JsonNode> out = new ArrayList<>();
        for (Path file : ruleFiles()) {
            yaml(file).path("groups").forEach(g -> g.path("rules").forEach(out::add));
        }
        return out;
    }

    public static List<JsonNode> alertingRules() {
        return rules().stream().filter(r -> r.has("alert")).toList();
    }

    /**
     * The exported metric names a rule reads: in its expression and in the queries its annotations
     * run (label values and names inside selectors, functions and recording rules' names excluded).
     */
    public static Set<String> metricNames(JsonNode rule) {
        Set<String> names = new TreeSet<>();
        List<String> texts = new ArrayList<>(List.of(rule.path("expr").asText()));
        rule.path("annotations").forEach(a -> texts.add(a.asText()));
        for (String text : texts) {
            Matcher m = METRIC.matcher(SELECTOR.matcher(text.replaceAll("\\$labels\\.[a-z_]+", "")).replaceAll(""));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    public static final Path DASHBOARDS = DEPLOY.resolve("grafana").resolve("dashboards");

    public static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel of a dashboard, rows' nested panels included. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            out.add(p);
            p.path("panels").forEach(out::add);
        });
        return out;
    }

    /** The PromQL of every panel target of a dashboard, with the template variables as Grafana fills them. */
    public static List<String> panelQueries(JsonNode dashboard, java.util.Map<String, String> variables) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            panel.path("targets").forEach(t -> {
                String expr = t.path("expr").asText();
                for (var v : variables.entrySet()) {
                    expr = expr.replace("$" + v.getKey(), v.getValue());
                }
                out.add(expr);
            });
        }
        return out;
    }

    /** Runs a tool to its end (at most 60 s); returns its exit code and output. */
    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed: run scripts/install-test-tools.sh ("
                    + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A tool's exit code and its output (stdout and stderr). */
    public record Result(int exit, String output) {
        public Result succeeded() {
            assertThat(exit).as("exit code; output:%n%s", output).isZero();
            return this;
        }
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as '-'. */
    public static Set<String> anchors(Path markdown) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(java.util.Locale.ROOT);
                out.add(title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }
}
