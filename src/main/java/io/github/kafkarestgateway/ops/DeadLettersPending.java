package io.github.kafkarestgateway.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many dead letters wait for a replay, counted again only when the journal has changed. Counting is a pass over
 * the whole journal file ({@link DeadLetterJournal#summary()}), too much to do every few seconds for a number that
 * changes only when an entry or a replay is written; every write appends to the file, so its size and modification
 * time tell a change. They are read before the count, so a write during the count is counted the next time. Called
 * by one thread at a time (the sampler's).
 */
public final class DeadLettersPending {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLettersPending.class);

    /** A count of the pending dead letters: one pass over the journal. */
    @FunctionalInterface
    public interface Count {
        long pending() throws IOException;
    }

    /** The size and modification time of the journal file when it was counted. */
    private record Version(long size, FileTime modified) {
    }

    private final Path file;
    private final Count count;
    private Version counted;
    private long pending;
    private String problem;

    /** @param file the journal file, whose size and modification time tell whether to count again */
    public DeadLettersPending(Path file, Count count) {
        this.file = file;
        this.count = count;
    }

    /** The pending entries of this journal. */
    public static DeadLettersPending of(DeadLetterJournal journal) {
        return new DeadLettersPending(journal.file(), () -> journal.summary().pending());
    }

    /** The pending dead letters: counted when the journal changed since the last count, else the last count. */
    public long get() {
        Version now;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            now = new Version(attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException none) {
            now = new Version(0, FileTime.fromMillis(0));
        } catch (IOException e) {
            warn("Cannot look at the dead-letter journal " + file + ": " + e);
            return pending;
        }
        if (!now.equals(counted)) {
            try {
                pending = now.size() == 0 ? 0 : count.pending();
                counted = now;
                problem = null;
            } catch (IOException e) {
                warn("Cannot count the pending dead letters in " + file + ": " + e);
            }
        }
        return pending;
    }

    /** Logs a problem once, not at every sample while it lasts. */
    private void warn(String what) {
        if (!what.equals(problem)) {
            LOG.warn("{}; showing the last count ({})", what, pending);
        }
        problem = what;
    }
}
