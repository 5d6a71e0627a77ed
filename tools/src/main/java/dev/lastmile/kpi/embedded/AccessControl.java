package dev.lastmile.kpi.embedded;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * Users and ACLs on a secured embedded broker ({@link EmbeddedKafka#startSecured}). Both reach the
 * broker through the metadata log, a moment after the controller accepted them, so each call
 * returns only once the broker itself applies them: a test never races its own set-up.
 */
public final class AccessControl {

    private static final long WAIT_SECONDS = 30;

    private AccessControl() {
    }

    /** Creates (or replaces) a SCRAM-SHA-512 user and waits until it can log in. */
    public static void addScramUser(EmbeddedKafka kafka, String user, String password) {
        try (Admin admin = kafka.admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("Cannot create SCRAM user " + user + ": " + e, e);
        }
        Map<String, Object> login = kafka.clientProperties(user, password);
        await("user " + user + " can log in", () -> {
            try (Admin asUser = Admin.create(login)) {
                asUser.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false; // SaslAuthenticationException until the broker knows the credential
            }
        });
    }

    /** Adds ACLs and waits until the broker's authorizer lists every one of them. */
    public static void grant(EmbeddedKafka kafka, Collection<AclBinding> acls) {
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
            await(acls.size() + " ACLs are in force", () -> {
                try {
                    return admin.describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS)
                            .containsAll(acls);
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                }
            });
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw new IllegalStateException("Cannot create ACLs " + acls + ": " + e, e);
        }
    }

    private interface Check {
        boolean holds() throws InterruptedException;
    }

    private static void await(String what, Check check) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        try {
            while (!check.holds()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out after " + WAIT_SECONDS + " s waiting until " + what);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting until " + what, e);
        }
    }
}
