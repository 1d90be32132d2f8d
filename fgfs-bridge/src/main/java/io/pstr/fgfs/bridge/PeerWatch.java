package io.pstr.fgfs.bridge;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Whether FlightGear is still sending: {@link State#WAITING} until its first good packet, {@link State#ALIVE} while
 * packets keep coming, {@link State#SILENT} once none came for the timeout (then ALIVE again on the next one).
 * Every change is reported once, with its cause, to the listener. Time comes in as a parameter.
 */
public final class PeerWatch {

    public enum State { WAITING, ALIVE, SILENT }

    private final long timeoutNs;
    private final Consumer<String> listener;
    private final String what;
    private State state = State.WAITING;
    private long lastNs;
    private long silences;

    PeerWatch(String what, long timeoutNs, Consumer<String> listener) {
        this.what = what;
        this.timeoutNs = timeoutNs;
        this.listener = listener;
    }

    synchronized void onPacket(long nowNs) {
        lastNs = nowNs;
        if (state != State.ALIVE) {
            listener.accept(state == State.WAITING ? what + " is sending" : what + " is sending again");
            state = State.ALIVE;
        }
    }

    synchronized void check(long nowNs) {
        if (state == State.ALIVE && nowNs - lastNs > timeoutNs) {
            state = State.SILENT;
            silences++;
            listener.accept(what + " stopped sending (nothing for " + TimeUnit.NANOSECONDS.toMillis(nowNs - lastNs)
                    + " ms); carrying on without it");
        }
    }

    public synchronized State state() {
        return state;
    }

    /** How many times the peer fell silent. */
    public synchronized long silences() {
        return silences;
    }
}
