package dev.lastmile.kpi.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a command prints, for the CLI tests of this module and of the tools module. */
public final class Console {

    private Console() {
    }

    /** Runs {@code r} with System.out (or System.err) captured and returns what it printed. */
    public static String capture(Runnable r, boolean stdout) {
        PrintStream original = stdout ? System.out : System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        if (stdout) {
            System.setOut(capture);
        } else {
            System.setErr(capture);
        }
        try {
            r.run();
        } finally {
            if (stdout) {
                System.setOut(original);
            } else {
                System.setErr(original);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
