package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.kpi.ExperienceCounts;
import dev.lastmile.kpi.kpi.ExperienceKpis;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/** Experience KPIs per region: survey responses, counted by their event time. */
final class ExperienceKpiWindows extends CountingKpi<SurveyResponse, ExperienceCounts, ExperienceKpi> {

    static final String NAME = KpiFamilies.EXPERIENCE.name();

    private static final Serde<ExperienceCounts> SERDE = CountsSerde.of(8, ExperienceCounts::longs,
            ExperienceCounts::dissatisfiedReasons, ExperienceCounts::of);

    private final Deserializer<SurveyResponse> decoder;

    ExperienceKpiWindows(Deserializer<SurveyResponse> decoder) {
        super(KpiFamilies.EXPERIENCE, ExperienceCounts.EMPTY, ExperienceCounts::add, ExperienceCounts::merge, SERDE);
        this.decoder = decoder;
    }

    @Override
    public SurveyResponse decode(Envelope.Data data) {
        return decoder.deserialize(data.source(), data.rawValue());
    }

    @Override
    public long eventTime(SurveyResponse event) {
        return event.getEventTime().toEpochMilli();
    }

    @Override
    public List<String> groups(SurveyResponse event) {
        return List.of(event.getRegion());
    }

    @Override
    public KeyValue<String, ExperienceKpi> output(String group, WindowKind window, long start, long end,
                                                  ExperienceCounts counts, boolean isFinal) {
        return KeyValue.pair(KpiKeys.of(group, window, start),
                ExperienceKpis.of(group, window, start, end, isFinal, counts));
    }
}
