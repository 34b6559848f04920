package io.github.kafkarestgateway.auth;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeAclsOptions;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The cluster's topic ACLs, read with the gateway's own admin client (it needs {@code DESCRIBE} on the cluster) and
 * decided the way Kafka's standard authorizer does for a {@code WRITE} to a topic: allowed when an ALLOW binding for
 * the principal (or {@code User:*}) and host {@code *} grants WRITE or ALL on the topic (its literal name, {@code *},
 * or a prefix of it), and no DENY binding of that kind matches. It authorizes the callers that cannot log in to Kafka
 * as themselves: those with a client certificate, whose principal is {@code User:<CN or SAN>}. The bindings are read
 * again when older than {@code refreshMs}, so a granted or removed ACL takes effect within that bound; when they
 * cannot be read, a copy is used for at most {@code 2 × refreshMs}, then callers get 503.
 */
public class ClusterAcls {

    private static final AclBindingFilter TOPICS = new AclBindingFilter(
            new ResourcePatternFilter(ResourceType.TOPIC, null, PatternType.ANY), AccessControlEntryFilter.ANY);

    private record Snapshot(Collection<AclBinding> bindings, long readAt) {
    }

    private final Admin admin;
    private final long refreshMs;
    private final int timeoutMs;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Snapshot>> reading = new AtomicReference<>();

    public ClusterAcls(Admin admin, long refreshMs, int timeoutMs) {
        this.admin = admin;
        this.refreshMs = refreshMs;
        this.timeoutMs = timeoutMs;
    }

    /** Whether the cluster's ACLs let {@code User:<user>} write to the topic. */
    public CompletableFuture<Boolean> mayWrite(String user, String topic) {
        return bindings().thenApply(bindings -> allowed(bindings.bindings(), "User:" + user, topic));
    }

    private CompletableFuture<Snapshot> bindings() {
        long now = System.currentTimeMillis();
        Snapshot known = snapshot.get();
        if (known != null && now - known.readAt() < refreshMs) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Snapshot> read = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = reading.compareAndExchange(null, read);
        if (running == null) {
            running = read;
            admin.describeAcls(TOPICS, new DescribeAclsOptions().timeoutMs(timeoutMs)).values()
                    .whenComplete((bindings, failure) -> {
                        reading.set(null);
                        if (failure == null) {
                            Snapshot fresh = new Snapshot(List.copyOf(bindings), System.currentTimeMillis());
                            snapshot.set(fresh);
                            read.complete(fresh);
                        } else {
                            read.completeExceptionally(failure);
                        }
                    });
        }
        if (known != null && now - known.readAt() < 2 * refreshMs) {
            // still within the bound: answer from the copy while it is read again
            return running.handle((fresh, failure) -> failure == null ? fresh : known);
        }
        return running;
    }

    static boolean allowed(Collection<AclBinding> bindings, String principal, String topic) {
        boolean allow = false;
        for (AclBinding binding : bindings) {
            var entry = binding.entry();
            var pattern = binding.pattern();
            if (pattern.resourceType() != ResourceType.TOPIC
                    || !(entry.principal().equals(principal) || entry.principal().equals("User:*"))
                    || !entry.host().equals("*")
                    || !(entry.operation() == AclOperation.WRITE || entry.operation() == AclOperation.ALL)
                    || !matches(pattern.patternType(), pattern.name(), topic)) {
                continue;
            }
            if (entry.permissionType() == AclPermissionType.DENY) {
                return false;
            }
            if (entry.permissionType() == AclPermissionType.ALLOW) {
                allow = true;
            }
        }
        return allow;
    }

    private static boolean matches(PatternType type, String name, String topic) {
        return switch (type) {
            case LITERAL -> name.equals(topic) || name.equals("*");
            case PREFIXED -> topic.startsWith(name);
            default -> false;
        };
    }
}
