package dev.lastmile.kpi.replay;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of a JSON Lines file, numbered as an editor numbers them. Only LF ends a line (and a
 * CRLF pair): a lone CR is part of its line, as JSON Lines says, so it cannot shift the numbers of
 * later lines. Each line is decoded on its own, strictly, so one bad byte costs one line, not the run.
 */
final class JsonLines implements Closeable {

    /** @param text the line without its end; with U+FFFD for bad bytes when {@code validUtf8} is false */
    record Line(long number, String text, boolean validUtf8) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long number;

    JsonLines(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next line, or null at the end of the file. */
    Line next() throws IOException {
        buffer.reset();
        int b = in.read();
        if (b == -1) {
            return null;
        }
        while (b != -1 && b != '\n') {
            buffer.write(b);
            b = in.read();
        }
        number++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        // Tools on Windows start UTF-8 files with a byte order mark; it is not part of the first object.
        int start = number == 1 && length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, length - start)).toString();
            return new Line(number, text, true);
        } catch (CharacterCodingException e) {
            return new Line(number, new String(bytes, start, length - start, StandardCharsets.UTF_8), false);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
