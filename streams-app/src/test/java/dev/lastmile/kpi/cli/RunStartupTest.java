package dev.lastmile.kpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run` stops on a machine or network problem with one line naming the setting and the fix, before
 * it creates anything: no broker is needed, because each check comes before the first connection.
 */
@Timeout(120)
class RunStartupTest {

    /** Nothing listens on port 1: if `run` got as far as connecting, the test would hang, not pass. */
    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void shouldStopOnAStateDirThatIsAFileBeforeTouchingKafka(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        String err = runInProcess("--set", "state.dir=" + file.resolve("state"), "--set", "bootstrap.servers=" + NO_BROKER);
        assertThat(err.strip()).isEqualTo("lastmile-kpi: Setting state.dir='" + file.resolve("state")
                + "' is unusable: " + file + " is not a directory. Fix: point state.dir at a writable directory on"
                + " persistent disk (it is created if missing).");
        assertThat(file).hasContent("x");
    }

    @Test
    void shouldStopOnABrokerHostThatDoesNotResolve(@TempDir Path tmp) throws Exception {
        long start = System.nanoTime();
        String err = runInProcess("--set", "state.dir=" + tmp.resolve("state"),
                "--set", "bootstrap.servers=kafka-1.lastmile.invalid:9092");
        assertThat(err.strip()).isEqualTo("lastmile-kpi: Setting bootstrap.servers='kafka-1.lastmile.invalid:9092': "
                + "host kafka-1.lastmile.invalid does not resolve (DNS). Fix: correct the host names, or check this "
                + "machine's DNS and network.");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        assertThat(tmp.resolve("state")).doesNotExist();
    }

    @Test
    void shouldStopAtOnceWhenTheHttpPortIsInUseInAChildProcess(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            int port = taken.getLocalPort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), "dev.lastmile.kpi.cli.Main", "run",
                    "--set", "bootstrap.servers=" + NO_BROKER, "--set", "schema.registry.url=mock://startup",
                    "--set", "state.dir=" + tmp.resolve("state"), "--set", "http.port=" + port));
            Path log = tmp.resolve("run.log");
            long start = System.nanoTime();
            Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = run.waitFor(60, TimeUnit.SECONDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (!ended) {
                run.destroyForcibly();
            }
            assertThat(ended).as("run ended").isTrue();
            assertThat(run.exitValue()).isEqualTo(2);
            assertThat(seconds).as("seconds until the port was reported (JVM start included)").isLessThan(20);
            String output = Files.readString(log).strip();
            assertThat(output).hasLineCount(1).startsWith("lastmile-kpi: Setting http.port=" + port + ": 0.0.0.0:"
                    + port + " cannot be bound").contains("Fix: stop that process, or set http.port to a free port");
            assertThat(tmp.resolve("state")).doesNotExist();
        }
    }

    private static String runInProcess(String... settings) {
        List<String> args = new ArrayList<>(List.of("run", "--set", "schema.registry.url=mock://startup",
                "--set", "http.port=0"));
        args.addAll(List.of(settings));
        return Console.run(Main::execute, args.toArray(String[]::new)).exitsWith(2).err();
    }
}
