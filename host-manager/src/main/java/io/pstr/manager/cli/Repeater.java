package io.pstr.manager.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Runs a task at a fixed rate on a daemon thread until a count is reached or the JVM ends (Ctrl-C). */
final class Repeater {

    private Repeater() {
    }

    /**
     * @param count how many runs, or 0 for no end
     */
    static void repeat(long periodMs, long count, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong runs = new AtomicLong();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pstr-cli-refresh");
            t.setDaemon(true);
            return t;
        });
        try {
            scheduler.scheduleAtFixedRate(() -> {
                try {
                    task.run();
                } finally {
                    if (count > 0 && runs.incrementAndGet() >= count) {
                        done.countDown();
                    }
                }
            }, 0, periodMs, TimeUnit.MILLISECONDS);
            done.await();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
