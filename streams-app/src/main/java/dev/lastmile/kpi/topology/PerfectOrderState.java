package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.codec.Payloads;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/** The values of the perfect-order join's two stores, keyed by delivery id. */
final class PerfectOrderState {

    private PerfectOrderState() {
    }

    /** A terminal delivery counted as a perfect order so far, which a complaint may still spoil. */
    record Candidate(long timeMs, String region) {
    }

    /**
     * The deliveries of one id still perfect so far. Version 1: the count, then each one's time and region.
     */
    record Candidates(List<Candidate> list) {

        private static final String FORMAT = "perfect-order candidates";
        private static final int VERSION = 1;

        Candidates {
            list = List.copyOf(list);
        }

        static Candidates of(Candidates old, Candidate added) {
            List<Candidate> l = new ArrayList<>(old == null ? List.of() : old.list);
            l.add(added);
            return new Candidates(l);
        }

        long newest() {
            return list.stream().mapToLong(Candidate::timeMs).max().orElse(Long.MIN_VALUE);
        }

        static Serde<Candidates> serde() {
            return Payloads.serde(Candidates::encode, Candidates::decode);
        }

        byte[] encode() {
            PayloadWriter out = PayloadWriter.version(VERSION).writeInt(list.size());
            list.forEach(c -> out.writeLong(c.timeMs()).writeString(c.region()));
            return out.toBytes();
        }

        static Candidates decode(byte[] bytes) {
            PayloadReader in = PayloadReader.open(FORMAT, bytes);
            if (in.version() != VERSION) {
                throw in.unsupportedVersion();
            }
            List<Candidate> l = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                l.add(new Candidate(in.readLong(), in.readString()));
            }
            in.end();
            return new Candidates(l);
        }
    }

    /** Event times of the complaints about one delivery id that counted. Version 1: the count, then the times. */
    record ComplaintTimes(List<Long> times) {

        private static final String FORMAT = "perfect-order complaint times";
        private static final int VERSION = 1;

        ComplaintTimes {
            times = List.copyOf(times);
        }

        static ComplaintTimes of(ComplaintTimes old, long added) {
            List<Long> l = new ArrayList<>(old == null ? List.of() : old.times);
            l.add(added);
            return new ComplaintTimes(l);
        }

        boolean anyWithin(long timeMs, long reachMs) {
            return times.stream().anyMatch(c -> Math.abs(c - timeMs) <= reachMs);
        }

        long newest() {
            return times.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        }

        static Serde<ComplaintTimes> serde() {
            return Payloads.serde(ComplaintTimes::encode, ComplaintTimes::decode);
        }

        byte[] encode() {
            PayloadWriter out = PayloadWriter.version(VERSION).writeInt(times.size());
            times.forEach(out::writeLong);
            return out.toBytes();
        }

        static ComplaintTimes decode(byte[] bytes) {
            PayloadReader in = PayloadReader.open(FORMAT, bytes);
            if (in.version() != VERSION) {
                throw in.unsupportedVersion();
            }
            List<Long> l = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                l.add(in.readLong());
            }
            in.end();
            return new ComplaintTimes(l);
        }
    }
}
