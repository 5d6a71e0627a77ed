package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.watermark.EnvelopeSerde.getBytes;
import static dev.lastmile.kpi.watermark.EnvelopeSerde.putBytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
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

    /** Binary format on the late-verdicts repartition topics: a version byte, then the fields. */
    static final class VerdictSerde implements Serde<LateVerdict> {
        private static final byte VERSION = 1;

        @Override
        public Serializer<LateVerdict> serializer() {
            return (topic, v) -> v == null ? null : encode(v);
        }

        @Override
        public Deserializer<LateVerdict> deserializer() {
            return (topic, bytes) -> bytes == null ? null : decode(bytes);
        }

        static byte[] encode(LateVerdict v) {
            byte[] family = v.family().getBytes(StandardCharsets.UTF_8);
            byte[] source = v.source().getBytes(StandardCharsets.UTF_8);
            int size = 1 + 4 + family.length + 2 + 8 * 4 + 4 + source.length + 8 + 4 + length(v.rawKey()) + 4
                    + length(v.rawValue());
            ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putInt(family.length).put(family)
                    .put((byte) (v.missed() ? 1 : 0)).put((byte) (v.countedInRolling() ? 1 : 0))
                    .putLong(v.watermark()).putLong(v.eventTime()).putLong(v.hourEnd()).putLong(0L)
                    .putInt(source.length).put(source).putLong(v.offset());
            putBytes(out, v.rawKey());
            putBytes(out, v.rawValue());
            return out.array();
        }

        static LateVerdict decode(byte[] bytes) {
            try {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                if (in.get() != VERSION) {
                    throw new SerializationException("late verdict of unknown version " + bytes[0]);
                }
                String family = string(in);
                boolean missed = in.get() == 1;
                boolean rolling = in.get() == 1;
                long watermark = in.getLong();
                long eventTime = in.getLong();
                long hourEnd = in.getLong();
                in.getLong(); // reserved
                String source = string(in);
                long offset = in.getLong();
                return new LateVerdict(family, missed, rolling, watermark, eventTime, hourEnd, source, offset,
                        getBytes(in), getBytes(in));
            } catch (RuntimeException e) {
                throw new SerializationException("corrupt late verdict", e);
            }
        }

        private static int length(byte[] b) {
            return b == null ? 0 : b.length;
        }

        private static String string(ByteBuffer in) {
            byte[] b = new byte[in.getInt()];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
