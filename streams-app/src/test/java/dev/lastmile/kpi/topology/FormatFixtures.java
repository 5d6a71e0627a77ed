package dev.lastmile.kpi.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Properties;

/** Hex payload fixtures under src/test/resources/formats/. */
final class FormatFixtures {

    private FormatFixtures() {
    }

    /** A payload as written by wave 1 (commit 6b748c5)'s own classes. */
    static byte[] wave1(String key) {
        return load("written-by-6b748c5.properties", key);
    }

    /** A payload in today's format, for the formats that changed. */
    static byte[] current(String key) {
        return load("current.properties", key);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] load(String file, String key) {
        try (InputStream in = FormatFixtures.class.getResourceAsStream("/formats/" + file)) {
            Properties p = new Properties();
            p.load(in);
            String hex = p.getProperty(key);
            if (hex == null) {
                throw new IllegalArgumentException("no fixture " + key + " in " + file);
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
