package dev.lastmile.kpi.codec;

import org.apache.kafka.common.errors.SerializationException;

/**
 * An internal payload this version cannot read: unknown version, truncated, trailing bytes or an
 * unknown enum name. Never a silent misread: the message names the format and its version.
 */
public final class PayloadFormatException extends SerializationException {

    public PayloadFormatException(String format, int version, String problem, Throwable cause) {
        super(format + " payload (version " + version + "): " + problem, cause);
    }
}
