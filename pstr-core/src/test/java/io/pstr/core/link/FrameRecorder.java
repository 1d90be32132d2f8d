package io.pstr.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects what a {@link FramedLink} delivers, for assertions from the test thread. */
final class FrameRecorder implements FramedLink.FrameListener {

    record Frame(byte[] bytes, int messageId, long firstNs, long lastNs) {
    }

    private final List<Frame> frames = new ArrayList<>();
    final AtomicInteger ups = new AtomicInteger();
    final AtomicInteger downs = new AtomicInteger();
    volatile long lastUpNs;

    @Override
    public synchronized void onFrame(byte[] frame, int offset, int length, int messageId, long firstNs, long lastNs) {
        frames.add(new Frame(Arrays.copyOfRange(frame, offset, offset + length), messageId, firstNs, lastNs));
    }

    @Override
    public void onUp(String description) {
        lastUpNs = System.nanoTime();
        ups.incrementAndGet();
    }

    @Override
    public void onDown(String reason) {
        downs.incrementAndGet();
    }

    synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    synchronized int count() {
        return frames.size();
    }
}
