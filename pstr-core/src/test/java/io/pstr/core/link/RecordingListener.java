package io.pstr.core.link;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects what a link delivers, for assertions from the test thread. */
final class RecordingListener implements LinkListener {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final AtomicInteger ups = new AtomicInteger();
    final AtomicInteger downs = new AtomicInteger();
    volatile long lastUpNs;
    volatile String lastDownReason;

    @Override
    public synchronized void onBytes(byte[] buffer, int offset, int length, long rxNs) {
        received.write(buffer, offset, length);
    }

    @Override
    public void onUp(String description) {
        lastUpNs = System.nanoTime();
        ups.incrementAndGet();
    }

    @Override
    public void onDown(String reason) {
        lastDownReason = reason;
        downs.incrementAndGet();
    }

    synchronized String text() {
        return received.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
