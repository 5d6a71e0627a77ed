package dev.lastmile.kpi.config;

/** A setting is missing or wrong; the message names the setting, where it came from, and the fix. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
