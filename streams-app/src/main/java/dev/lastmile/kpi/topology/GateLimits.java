package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.config.PipelineConfig;

/**
 * Bounds the input gate enforces so no record can stop the pipeline or blow up its state:
 * record size ({@code input.max.record.bytes}), distinct regions per gate task
 * ({@code input.max.regions}) and routes per region ({@code input.max.routes.per.region}); and the
 * window grace, to flag records at risk of being late.
 */
record GateLimits(int maxRecordBytes, int maxRegions, int maxRoutesPerRegion, long windowGraceMs) {

    static GateLimits of(PipelineConfig config) {
        return new GateLimits(config.inputMaxRecordBytes(), config.inputMaxRegions(), config.inputMaxRoutesPerRegion(),
                config.windowGrace().toMillis());
    }
}
