package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares: a file, then environment, then --set. Public for the tools
 * jar's commands (replay, simulate), which mix it in too.
 */
public final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with lastmile-kpi settings (see README, Configuration).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one setting, e.g. --set window.grace=30m. Repeatable; wins over file and environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Defaults, file, LASTMILE_* environment, then --set; validated. */
    public PipelineConfig load() {
        ConfigLoader loader = ConfigLoader.defaults();
        if (configFile != null) {
            loader.file(configFile);
        }
        return loader.environment(System.getenv()).overrides(overrides).load();
    }
}
