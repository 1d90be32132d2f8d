package io.pstr.core.shm;

import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** A child process for {@link LifelineTest}: holds the lifeline at offset 0 of a file on its main thread, says READY, waits to be killed. */
public final class LifelineHolder {

    private LifelineHolder() {
    }

    public static void main(String[] args) throws Exception {
        UnsafeBuffer buffer = new UnsafeBuffer(SharedFiles.mapExisting(Path.of(args[0])));
        if (!new Lifeline(buffer, 0).hold()) {
            System.out.println("NO LIFELINE");
            return;
        }
        System.out.println("READY");
        System.out.flush();
        // Until killed: the parent's SIGKILL is the only way out.
        System.in.read();
    }
}
