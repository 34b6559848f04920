package io.github.kafkarestgateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka users of the benchmark's SCRAM row, made with the Admin API on the broker's PLAINTEXT listener (a super
 * user there): {@code ScramUsers <bootstrap> <topic> <users> <gateway-password>} creates the gateway's own user
 * {@code gateway} and the users {@code bench-user-0} to {@code bench-user-<users - 1>} with the passwords
 * {@code bench-pw-<n>} (SCRAM-SHA-512, 4096 iterations), grants each bench user WRITE on the topic (ALLOW, any host),
 * and waits until the broker describes every credential and every ACL.
 */
public final class ScramUsers {

    private static final int ITERATIONS = 4096;
    private static final long TIMEOUT_MS = 30_000;

    private ScramUsers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ScramUsers <bootstrap> <topic> <users> <gateway-password>");
            System.exit(2);
        }
        String topic = args[1];
        int count = Integer.parseInt(args[2]);
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put("gateway", args[3]);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add("bench-user-" + i);
            passwords.put("bench-user-" + i, "bench-pw-" + i);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
            admin.alterUserScramCredentials(passwords.entrySet().stream()
                    .map(e -> (UserScramCredentialAlteration) new UserScramCredentialUpsertion(e.getKey(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), e.getValue()))
                    .toList()).all().get();
            List<AclBinding> acls = users.stream().map(user -> new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", AclOperation.WRITE, AclPermissionType.ALLOW)))
                    .toList();
            admin.createAcls(acls).all().get();
            // committed by the controller, known to the broker a moment later
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (!known(admin, passwords.keySet(), acls)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("The broker did not describe the SCRAM users and ACLs in time");
                }
                Thread.sleep(50);
            }
        }
        System.out.println("SCRAM users ready: gateway and " + count + " bench users with WRITE on " + topic);
    }

    private static boolean known(Admin admin, java.util.Collection<String> users, List<AclBinding> acls) {
        try {
            Map<String, UserScramCredentialsDescription> described =
                    admin.describeUserScramCredentials(List.copyOf(users)).all().get();
            boolean credentials = users.stream().allMatch(user -> described.containsKey(user)
                    && described.get(user).credentialInfos().stream()
                    .anyMatch(info -> info.mechanism() == ScramMechanism.SCRAM_SHA_512));
            if (!credentials) {
                return false;
            }
            for (AclBinding acl : acls) {
                if (!admin.describeAcls(acl.toFilter()).values().get().contains(acl)) {
                    return false;
                }
            }
            return true;
        } catch (Exception notYet) {
            // a user not yet known fails the whole description
            return false;
        }
    }
}
