package io.pstr.core.status;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Faults an operator (or a test) can inject through the control API, each real. */
public enum Fault {
    KILL_PRIMARY("SIGKILL the primary's process"),
    HANG_PRIMARY("SIGSTOP the primary's process"),
    RESUME_PRIMARY("SIGCONT a stopped primary"),
    KILL_SHADOW("SIGKILL the shadow's process"),
    KILL_BOTH("SIGKILL both replicas"),
    CORRUPT_PRIMARY("make the primary's next outputs NaN: its acceptance test must catch them"),
    RANGE_PRIMARY("make the primary's next outputs ask thrust 1.5: out of range, its acceptance test must catch them"),
    FREEZE_PRIMARY("freeze the primary's outputs at their last value for 50 cycles: plausible, only the shadow's hashes differ"),
    STALL_PRIMARY("make each of the primary's steps take 1.5 control periods for 100 cycles (alive, heartbeat beating, deadlines missed)"),
    OOM_PRIMARY("make the primary allocate until its heap is exhausted (the replica JVM exits on OutOfMemoryError)"),
    DIVERGE_PRIMARY("perturb the primary's state once (a counter in its ODS): the replicas' state hashes differ"),
    CUT_CHANNEL("cut the direct channel between the replicas both ways (heartbeats, checkpoints, request notices) for 100 cycles"),
    BOARD_NOISE("feed 300 random bytes into the board link's receive path, between two reads"),
    BOARD_UNPLUG("unplug the board link for 3 s: the host closes it and does not reconnect before the 3 s are over"),
    HANG_SHADOW("SIGSTOP the shadow's process: the primary keeps the I/O; the shadow is fenced out until resumed"),
    RESUME_SHADOW("SIGCONT a stopped shadow: it rejoins and is brought back in step"),
    STALL_SHADOW("make each of the shadow's steps take 1.5 control periods for 100 cycles (alive, beating, late)");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The name on the wire and on the command line, e.g. {@code kill-primary}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Fault fromWireName(String name) {
        for (Fault f : values()) {
            if (f.wireName().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Fault::wireName).collect(Collectors.joining(", ")));
    }
}
