package dev.lastmile.kpi.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store key of one group's hourly bucket: the group in UTF-8, a 0x00 separator, then the hour as a
 * big-endian long with the sign bit flipped. One group's buckets are contiguous and in time order
 * for range scans (before 1970 too), and groups sharing a prefix ("north|") are contiguous for
 * prefix scans.
 */
record BucketKey(String group, long hour) implements Comparable<BucketKey> {

    Bytes toBytes() {
        byte[] g = group.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(g.length + 1 + 8).put(g).put((byte) 0).putLong(hour ^ Long.MIN_VALUE)
                .array());
    }

    static BucketKey fromBytes(Bytes bytes) {
        byte[] b = bytes.get();
        int groupLength = b.length - 9;
        long hour = ByteBuffer.wrap(b, groupLength + 1, 8).getLong() ^ Long.MIN_VALUE;
        return new BucketKey(new String(b, 0, groupLength, StandardCharsets.UTF_8), hour);
    }

    @Override
    public int compareTo(BucketKey o) {
        int c = group.compareTo(o.group);
        return c != 0 ? c : Long.compare(hour, o.hour);
    }
}
