package io.pstr.systemtests;

import io.pstr.manager.BoardProcess;
import io.pstr.manager.cli.Classpaths;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A process that starts a virtual board as the tools do ({@link BoardProcess}), prints the board's pid and waits
 * for ever: {@link BoardProcessSystemTest} kills it to see that the board does not outlive it.
 */
public final class BoardParent {

    private BoardParent() {
    }

    public static void main(String[] args) throws InterruptedException {
        BoardProcess board = BoardProcess.start(System.getProperty(Classpaths.BOARD), Path.of(args[0]), List.of(), 60_000);
        System.out.println("BOARD " + board.pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
