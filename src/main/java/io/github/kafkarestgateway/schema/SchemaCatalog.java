package io.github.kafkarestgateway.schema;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * The schemas the gateway has looked up, in a bounded cache (Caffeine): each reference (a subject and version, a
 * schema id, or a subject and the schema it should hold) is asked of the registry once, and concurrent requests for one share that call. A cached schema is asked again in the background
 * after {@code refreshMs} (so a new latest version, or a deprecation, is seen within that bound) and is kept when the
 * registry does not answer then, so that cached schemas go on working through a registry outage. A subject or version
 * the registry does not have is remembered for {@code missingMs}, so that requests naming one do not each reach the
 * registry. After the registry failed to answer, uncached lookups fail at once for {@code backoffMs}.
 */
public final class SchemaCatalog {

    /** What a lookup found: a schema, nothing ({@code schema} and {@code problem} null), or an unusable schema. */
    public record Entry(RegisteredSchema schema, String problem) {
        static final Entry MISSING = new Entry(null, null);
    }

    /** How a schema is named: {@link Version}, {@link Id} or {@link Content}. */
    public sealed interface Reference permits Version, Id, Content {
    }

    /** A version ({@code latest} or a number) of a subject. */
    public record Version(String subject, String version) implements Reference {
    }

    /** The registry's schema id. */
    public record Id(int id) implements Reference {
    }

    /** The version of a subject that holds this Avro schema (its JSON text). */
    public record Content(String subject, String schema) implements Reference {
    }

    private final AsyncLoadingCache<Reference, Entry> cache;
    private final long backoffMs;
    private volatile long unreachableUntil;

    public SchemaCatalog(SchemaRegistryClient client, long maxEntries, long refreshMs, long missingMs, long backoffMs,
                         Executor executor) {
        this.backoffMs = backoffMs;
        this.cache = Caffeine.newBuilder()
                // an entry weighs 1, and an inline schema's key (its text, up to 64 K characters) 1 more per KB: so
                // that callers naming many large schemas the registry does not have cannot fill the heap
                .maximumWeight(maxEntries)
                .weigher((Reference key, Entry entry) -> key instanceof Content content
                        ? 1 + content.schema().length() / 1024 : 1)
                // the cache's own upkeep runs on the reading thread, amortized (a task per few reads on a pool cost
                // more than the upkeep); lookups complete on the registry client's executor
                .executor(Runnable::run)
                .refreshAfterWrite(Duration.ofMillis(refreshMs))
                .expireAfter(Expiry.<Reference, Entry>writing((key, entry) -> entry.schema() != null
                        ? Duration.ofDays(365 * 100) : Duration.ofMillis(missingMs)))
                .buildAsync((key, ignored) -> load(client, key)
                        .handle((found, failure) -> {
                            if (failure == null) {
                                return found.map(schema -> new Entry(schema, null)).orElse(Entry.MISSING);
                            }
                            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                            if (cause instanceof IllegalArgumentException unusable) {
                                return new Entry(null, unusable.getMessage());
                            }
                            unreachableUntil = System.currentTimeMillis() + this.backoffMs;
                            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
                        }));
    }

    private static CompletableFuture<Optional<RegisteredSchema>> load(SchemaRegistryClient client, Reference key) {
        if (key instanceof Version version) {
            return client.lookup(version.subject(), version.version());
        }
        if (key instanceof Id id) {
            return client.byId(id.id());
        }
        Content content = (Content) key;
        return client.byContent(content.subject(), content.schema());
    }

    /** The entry when it is cached, without waiting; empty when it must be looked up. */
    public Optional<Entry> cached(String subject, String version) {
        return cached(new Version(subject, version));
    }

    /** The entry of the reference when it is cached, without waiting; empty when it must be looked up. */
    public Optional<Entry> cached(Reference reference) {
        // a read starts the refresh when one is due (Caffeine's refreshAfterWrite), and answers the current value
        CompletableFuture<Entry> known = cache.getIfPresent(reference);
        if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
            return Optional.of(known.join());
        }
        return Optional.empty();
    }

    /** How many lookups are remembered now (after the cache's pending upkeep). */
    long remembered() {
        cache.synchronous().cleanUp();
        return cache.synchronous().estimatedSize();
    }

    /** Looks the subject and version up, from the cache or the registry. */
    public CompletableFuture<Entry> lookup(String subject, String version) {
        return lookup(new Version(subject, version));
    }

    /** Looks the reference up, from the cache or the registry. */
    public CompletableFuture<Entry> lookup(Reference reference) {
        if (unreachableUntil > System.currentTimeMillis() && cache.getIfPresent(reference) == null) {
            return CompletableFuture.failedFuture(new RegistryUnavailableException(
                    "the registry did not answer a moment ago", null));
        }
        return cache.get(reference);
    }
}
