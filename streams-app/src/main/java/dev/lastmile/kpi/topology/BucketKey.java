package dev.lastmile.kpi.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store key of one group's hourly bucket: length-prefixed group, then the hour as a big-endian
 * long with the sign bit flipped, so one group's buckets are contiguous and in time order for
 * range scans, before 1970 too.
 */
record BucketKey(String group, long hour) implements Comparable<BucketKey> {

    Bytes toBytes() {
        byte[] g = group.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + g.length + 8).putInt(g.length).put(g).putLong(hour ^ Long.MIN_VALUE).array());
    }

    static BucketKey fromBytes(Bytes bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes.get());
        byte[] g = new byte[in.getInt()];
        in.get(g);
        return new BucketKey(new String(g, StandardCharsets.UTF_8), in.getLong() ^ Long.MIN_VALUE);
    }

    @Override
    public int compareTo(BucketKey o) {
        int c = group.compareTo(o.group);
        return c != 0 ? c : Long.compare(hour, o.hour);
    }
}
