package dev.lastmile.kpi.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for the embedded broker on 127.0.0.1 and a trust store holding it, made
 * with the JDK's keytool: clients verify the broker's name as they would in production
 * (ssl.endpoint.identification.algorithm=https), without a certificate library on the class path.
 */
record BrokerTls(Path keystore, Path truststore, String password) {

    /** Creates the stores in {@code dir}, or reuses them there (a restarted broker keeps its certificate). */
    static BrokerTls in(Path dir) {
        BrokerTls tls = new BrokerTls(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), "embedded-tls");
        try {
            if (!Files.exists(tls.truststore)) {
                Files.createDirectories(dir);
                Path cert = dir.resolve("broker.pem");
                keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                        "-keystore", tls.keystore.toString(), "-storetype", "PKCS12", "-storepass", tls.password);
                keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", tls.keystore.toString(),
                        "-storepass", tls.password, "-file", cert.toString());
                keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
                        "-keystore", tls.truststore.toString(), "-storetype", "PKCS12", "-storepass", tls.password);
            }
            return tls;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the embedded broker's certificate in " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating the embedded broker's certificate", e);
        }
    }

    /** What a client needs to trust the broker. */
    Map<String, String> clientProperties() {
        return Map.of("ssl.truststore.location", truststore.toString(), "ssl.truststore.password", password,
                "ssl.truststore.type", "PKCS12");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
