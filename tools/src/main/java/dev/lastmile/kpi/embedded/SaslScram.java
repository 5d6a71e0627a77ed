package dev.lastmile.kpi.embedded;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * SASL/SCRAM-SHA-512 and ACLs for the embedded broker: clients authenticate on a SASL_SSL listener
 * (SASL_PLAINTEXT with {@code tls=false}), the StandardAuthorizer checks ACLs, and {@code superUser}
 * (the test harness) may do everything.
 */
public record SaslScram(String superUser, String superPassword, boolean tls) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String LISTENER = "CLIENT";

    /** SASL_SSL. */
    public SaslScram(String superUser, String superPassword) {
        this(superUser, superPassword, true);
    }

    /** Client properties that log in as {@code user}, the form an operator writes with the kafka. prefix. */
    static Map<String, String> clientProperties(String user, String password, BrokerTls tls) {
        Map<String, String> p = new HashMap<>(Map.of("sasl.mechanism", MECHANISM,
                "sasl.jaas.config", jaas(user, password)));
        p.put("security.protocol", tls == null ? "SASL_PLAINTEXT" : "SASL_SSL");
        if (tls != null) {
            p.putAll(tls.clientProperties());
        }
        return p;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The super user's credential, written into the metadata log when the storage is formatted. */
    String[] formatArguments() {
        return new String[] {"--add-scram", MECHANISM + "=[name=" + superUser + ",password=" + superPassword + "]"};
    }

    /** Replaces the PLAINTEXT client listener with a SASL one ({@code tls}: over TLS) and turns on ACLs. */
    void apply(Properties p, int brokerPort, int controllerPort, BrokerTls tls) {
        p.put("listeners", LISTENER + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://127.0.0.1:" + brokerPort);
        p.put("inter.broker.listener.name", LISTENER);
        p.put("listener.security.protocol.map", LISTENER + ":" + (tls == null ? "SASL_PLAINTEXT" : "SASL_SSL")
                + ",CONTROLLER:PLAINTEXT");
        if (tls != null) {
            p.put("ssl.keystore.location", tls.keystore().toString());
            p.put("ssl.keystore.password", tls.password());
            p.put("ssl.keystore.type", "PKCS12");
            tls.clientProperties().forEach(p::put); // the broker's own inter-broker client trusts it too
        }
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config", jaas(superUser, superPassword));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The controller listener stays PLAINTEXT (it only listens on loopback, for this node's own
        // broker), so its requests arrive as ANONYMOUS and must be allowed; clients never use it.
        p.put("super.users", "User:" + superUser + ";User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
    }
}
