package dev.lastmile.kpi.replay;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a replay writes: every output first goes to a temporary file in the output's directory,
 * and all are moved into place only when the replay succeeded. A failed replay leaves the previous
 * outputs, or none, never a half-written one; and no output path may be the input.
 */
final class ReplayFiles implements AutoCloseable {

    private final List<Path[]> pending = new ArrayList<>();   // {temporary, final}
    private final Path directory;
    private final String base;

    ReplayFiles(Path output) throws IOException {
        this.directory = output.toAbsolutePath().getParent();
        this.base = output.getFileName().toString();
        Files.createDirectories(directory);
    }

    /** The output files of {@code output}: O, O.dlq.jsonl, O.late.jsonl. */
    static List<Path> targets(Path output) {
        return List.of(output, sibling(output, ".dlq.jsonl"), sibling(output, ".late.jsonl"));
    }

    /** Why {@code output} may not be used with {@code input}, as one line naming the option and the fix. */
    static Optional<String> conflict(Path input, Path output) throws IOException {
        for (Path target : targets(output)) {
            // isSameFile sees through relative paths, symbolic and hard links.
            if (Files.exists(target) && Files.exists(input) && Files.isSameFile(target, input)) {
                String what = target.equals(output) ? "is" : "would write " + target + ", which is";
                return Optional.of("replay: --output " + output + " " + what + " the --input file " + input
                        + ". Fix: give --output a file name in another directory or with another name.");
            }
        }
        return Optional.empty();
    }

    static Path sibling(Path output, String suffix) {
        String name = output.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return output.resolveSibling(base + suffix);
    }

    /** A temporary file that {@link #commit} moves to {@code target}. */
    Path temporaryFor(Path target) throws IOException {
        Path tmp = create(target.getFileName().toString());
        pending.add(new Path[] {tmp, target});
        return tmp;
    }

    /** A scratch file next to the outputs, deleted on close. */
    Path scratch(String label) throws IOException {
        Path tmp = create(base + "." + label);
        pending.add(new Path[] {tmp, null});
        return tmp;
    }

    /**
     * A new hidden file with a unique name. Not createTempFile: that makes it readable by its owner
     * only, and the outputs should get the permissions any new file gets (the umask's).
     */
    private Path create(String name) throws IOException {
        return Files.createFile(directory.resolve("." + name + "." + UUID.randomUUID() + ".tmp"));
    }

    /** Moves every output into place, the main output last (its presence means a complete run). */
    void commit() throws IOException {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Path[] p = pending.get(i);
            if (p[1] != null) {
                move(p[0], p[1]);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes what was not moved: scratch files, and everything after a failure. */
    @Override
    public void close() throws IOException {
        for (Path[] p : pending) {
            Files.deleteIfExists(p[0]);
        }
    }
}
