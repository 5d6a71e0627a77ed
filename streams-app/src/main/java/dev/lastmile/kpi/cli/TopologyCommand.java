package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.topology.LastmileTopology;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Print the processors, stores and internal topics.")
final class TopologyCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig c = config.load();
        spec.commandLine().getOut().println(LastmileTopology.build(c, new TopologyOptions(MockSchemaRegistry.forScope("describe"),
                PipelineMetrics.inMemory(), Map.of(), false)).describe());
        return 0;
    }
}
