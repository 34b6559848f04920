package io.github.kafkarestgateway.ops;

import java.util.ArrayList;
import java.util.List;

/** The newest {@code capacity} samples, the oldest overwritten: memory bounded whatever the uptime. Thread-safe. */
final class SampleRing {

    private final MeterSample[] samples;
    private int next;
    private int size;

    SampleRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a history keeps at least one sample, not " + capacity);
        }
        samples = new MeterSample[capacity];
    }

    synchronized void add(MeterSample sample) {
        samples[next] = sample;
        next = (next + 1) % samples.length;
        size = Math.min(size + 1, samples.length);
    }

    /** The samples, oldest first. */
    synchronized List<MeterSample> toList() {
        List<MeterSample> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(samples[(next - size + i + samples.length) % samples.length]);
        }
        return list;
    }
}
