package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One KPI family's judgement of one input record, for {@link LateCollector}: whether the record
 * missed a closed window of that family, and if so the original bytes for the late copy.
 *
 * @param missed           the record's hourly window of this family was closed
 * @param countedInRolling missed, but still counted in the family's open rolling windows
 * @param hourEnd          end of the record's hourly window (for the reason)
 */
record LateVerdict(String family, boolean missed, boolean countedInRolling, long watermark, long eventTime,
                   long hourEnd, String source, long offset, byte[] rawKey, byte[] rawValue) {

    /** Key of the record the verdict is about: the input partition and offset it was read at. */
    String origin() {
        return source + "@" + offset;
    }

    /**
     * Format on the late-verdicts repartition topics. Version 1 (unchanged since wave 1): family,
     * missed, counted in rolling, watermark, event time, hour end, a reserved long, source, offset,
     * raw key, raw value.
     */
    static final class VerdictSerde implements Serde<LateVerdict> {
        private static final int VERSION = 1;

        @Override
        public Serializer<LateVerdict> serializer() {
            return (topic, v) -> v == null ? null : encode(v);
        }

        @Override
        public Deserializer<LateVerdict> deserializer() {
            return (topic, bytes) -> bytes == null ? null : decode(bytes);
        }

        static byte[] encode(LateVerdict v) {
            return PayloadWriter.version(VERSION).writeString(v.family()).writeBoolean(v.missed())
                    .writeBoolean(v.countedInRolling()).writeLong(v.watermark()).writeLong(v.eventTime())
                    .writeLong(v.hourEnd()).writeLong(0L).writeString(v.source()).writeLong(v.offset())
                    .writeBytes(v.rawKey()).writeBytes(v.rawValue()).toBytes();
        }

        static LateVerdict decode(byte[] bytes) {
            PayloadReader in = PayloadReader.open("late verdict", bytes);
            if (in.version() != VERSION) {
                throw in.unsupportedVersion();
            }
            String family = in.readString();
            boolean missed = in.readBoolean();
            boolean rolling = in.readBoolean();
            long watermark = in.readLong();
            long eventTime = in.readLong();
            long hourEnd = in.readLong();
            in.readLong(); // reserved
            LateVerdict v = new LateVerdict(family, missed, rolling, watermark, eventTime, hourEnd, in.readString(),
                    in.readLong(), in.readBytes(), in.readBytes());
            in.end();
            return v;
        }
    }
}
