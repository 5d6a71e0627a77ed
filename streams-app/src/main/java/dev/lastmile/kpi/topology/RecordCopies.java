package dev.lastmile.kpi.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Copies of input records for the DLQ and late-events topics that always fit the producer's
 * request size: a write that fails on size would stop the client, and a restart would read the
 * same record and fail again. A copy that would exceed the bound is cut, and says so.
 */
final class RecordCopies {

    /** Room kept for the truncation headers themselves. */
    private static final int TRUNCATION_HEADERS_BYTES = 256;

    record Copy(byte[] key, byte[] value, Headers headers) {
    }

    private RecordCopies() {
    }

    /** Bytes of key, value and headers (names and values): what a record costs in a request. */
    static int size(byte[] key, byte[] value, Headers headers) {
        long n = (key == null ? 0 : key.length) + (long) (value == null ? 0 : value.length) + size(headers);
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static long size(Headers headers) {
        long n = 0;
        for (Header h : headers) {
            n += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    /**
     * The copy of a record with its original headers followed by {@code added}, or, when that
     * exceeds {@code limit} bytes, a cut copy: original headers dropped if they take more than a
     * quarter of the limit, the key cut to a quarter, the value cut to what is left; headers
     * {@code lastmile.truncated} (what was cut), {@code lastmile.original.size} (bytes of the
     * original key, value and headers) and {@code lastmile.original.sha256} (of the original value).
     */
    static Copy fit(byte[] key, byte[] value, Headers original, Headers added, int limit) {
        long addedBytes = size(added);
        int originalSize = size(key, value, original);
        if (originalSize + addedBytes <= limit) {
            return new Copy(key, value, merge(original, added));
        }
        List<String> cut = new ArrayList<>();
        Headers kept = original;
        if (size(original) > limit / 4) {
            kept = new RecordHeaders();
            cut.add("headers");
        }
        byte[] keyOut = key;
        if (key != null && key.length > limit / 4) {
            keyOut = Arrays.copyOf(key, limit / 4);
            cut.add("key");
        }
        long room = limit - (keyOut == null ? 0 : keyOut.length) - size(kept) - addedBytes - TRUNCATION_HEADERS_BYTES;
        byte[] valueOut = value;
        if (value != null && value.length > room) {
            valueOut = Arrays.copyOf(value, (int) Math.max(0, room));
            cut.add("value");
        }
        Headers headers = merge(kept, added);
        RecordHeaderNames.add(headers, RecordHeaderNames.TRUNCATED, String.join(",", cut));
        RecordHeaderNames.add(headers, RecordHeaderNames.ORIGINAL_SIZE, Integer.toString(originalSize));
        RecordHeaderNames.add(headers, RecordHeaderNames.ORIGINAL_SHA256, sha256(value == null ? new byte[0] : value));
        return new Copy(keyOut, valueOut, headers);
    }

    private static Headers merge(Headers first, Headers second) {
        Headers all = new RecordHeaders(first.toArray());
        second.forEach(all::add);
        return all;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
