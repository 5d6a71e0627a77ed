package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import java.nio.charset.StandardCharsets;

/**
 * What the input gate remembers of an event id (the value of its dedup store): the offset it was
 * first read at in the gate's partition and a hash of its content.
 *
 * <ul>
 *   <li>The offset makes de-duplication idempotent: the same record read again (its task re-reads
 *       from the committed offsets) is never mistaken for a repeat of itself, whatever state
 *       survived.</li>
 *   <li>The hash tells a true repeat (a producer retry, a file replayed: same content) from a
 *       different event under a used id, which goes to the DLQ as {@code conflicting_duplicate}.</li>
 * </ul>
 * Version 1 (unchanged since wave 1): offset, hash. A value of exactly 8 bytes is the format
 * before versions (the event time only): such an id counts as seen, content unknown.
 */
record SeenEvent(long offset, long contentHash, boolean legacy) {

    private static final int VERSION = 1;

    static SeenEvent of(long offset, String content) {
        return new SeenEvent(offset, hash(content), false);
    }

    byte[] encode() {
        return PayloadWriter.version(VERSION).writeLong(offset).writeLong(contentHash).toBytes();
    }

    static SeenEvent decode(byte[] bytes) {
        if (bytes.length == Long.BYTES) {
            return new SeenEvent(-1, 0, true);
        }
        PayloadReader in = PayloadReader.open("dedup entry", bytes);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        SeenEvent seen = new SeenEvent(in.readLong(), in.readLong(), false);
        in.end();
        return seen;
    }

    /** Whether a record with this content at this offset repeats the event first seen here. */
    boolean sameContent(String content) {
        return legacy || contentHash == hash(content);
    }

    /** FNV-1a, 64 bits: stable across JVMs and versions, unlike String.hashCode's 32 bits. */
    static long hash(String content) {
        long h = 0xcbf29ce484222325L;
        for (byte b : content.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
