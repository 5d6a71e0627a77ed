package dev.lastmile.kpi.registry;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;

/**
 * {@code run}'s registry check before it creates anything: a registry that is unreachable, failing
 * or refusing the credentials stops start-up with one line naming {@code schema.registry.url} and
 * the fix, instead of a pipeline that looks ready and cannot read a record.
 */
public final class RegistryStartupCheck {

    private RegistryStartupCheck() {
    }

    public static void check(SchemaRegistryClient registry) {
        try {
            registry.check();
        } catch (SchemaRegistryUnavailableException e) {
            int status = e.httpStatus();
            if (status == 401 || status == 403) {
                throw new ConfigException("Schema registry schema.registry.url=" + registry.url() + " refuses the "
                        + "credentials (HTTP " + status + "). Fix: set schema.registry.basic.auth.user.info to a "
                        + "user:password the registry accepts (and allows to read and register subjects).");
            }
            throw new ConfigException("Schema registry schema.registry.url=" + registry.url() + " is unreachable or "
                    + "failing (" + oneLine(e.getMessage()) + "). Fix: start the registry or correct "
                    + "schema.registry.url, then run again.");
        } catch (RuntimeException e) {
            throw new ConfigException("Schema registry schema.registry.url=" + registry.url() + " does not answer "
                    + "like a Confluent-compatible registry (" + oneLine(e.getMessage()) + "). Fix: give the "
                    + "registry's base URL, e.g. http://host:8081 (Apicurio: http://host:8080/apis/ccompat/v7).");
        }
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s+", " ").strip();
    }
}
