package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.PipelineConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks of the machine and network `run` does before it creates anything, so each problem ends
 * start-up with one line naming the setting and the fix rather than a stack trace a minute later.
 */
public final class Preflight {

    private Preflight() {
    }

    /**
     * The state directory exists and is a writable directory, or can be created under a writable
     * one. Nothing is created here: Kafka Streams creates it, after every other check passed.
     */
    public static void stateDir(PipelineConfig config) {
        String dir = config.stateDir();
        Path path;
        try {
            path = Path.of(dir).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw unusable(dir, "it is not a valid path (" + e.getMessage() + ")");
        }
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw unusable(dir, "no part of it exists");
        }
        if (!Files.isDirectory(existing)) {
            throw unusable(dir, existing + " is not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw unusable(dir, (existing.equals(path) ? "it" : "its parent " + existing) + " is not writable by this user");
        }
    }

    private static ConfigException unusable(String dir, String why) {
        return new ConfigException("Setting state.dir='" + dir + "' is unusable: " + why + ". Fix: point state.dir"
                + " at a writable directory on persistent disk (it is created if missing).");
    }

    /** Every bootstrap address is host:port, and at least one host resolves (as the Kafka client needs). */
    public static void brokers(PipelineConfig config) {
        List<String> unresolved = new ArrayList<>();
        int entries = 0;
        for (String entry : config.bootstrapServers().split(",")) {
            String address = entry.trim();
            if (address.isEmpty()) {
                continue;
            }
            entries++;
            int colon = address.lastIndexOf(':');
            String host = colon > 0 ? address.substring(0, colon).replaceAll("^\\[|\\]$", "") : "";
            if (host.isEmpty() || !validPort(address.substring(colon + 1))) {
                throw new ConfigException("Setting bootstrap.servers='" + config.bootstrapServers() + "': '" + address
                        + "' is not host:port. Fix: give host:port[,host:port], e.g. kafka-1:9092.");
            }
            try {
                InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                unresolved.add(host);
            }
        }
        if (entries == 0 || unresolved.size() == entries) {
            throw new ConfigException("Setting bootstrap.servers='" + config.bootstrapServers() + "': host"
                    + (unresolved.size() == 1 ? " " + unresolved.get(0) + " does" : "s " + unresolved + " do")
                    + " not resolve (DNS). Fix: correct the host names, or check this machine's DNS and network.");
        }
    }

    private static boolean validPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
