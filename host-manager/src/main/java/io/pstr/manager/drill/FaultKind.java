package io.pstr.manager.drill;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The rows of the fault matrix: what is done to the flying system, and what it should do about it. */
public enum FaultKind {
    KILL("kill", "primary SIGKILL", true),
    HANG("hang", "primary SIGSTOP, SIGCONT 0.5 s later (the zombie stays fenced)", true),
    ACCEPTANCE("acceptance", "primary outputs NaN: its acceptance test fails", true),
    RANGE("range", "primary outputs thrust 1.5: its acceptance test fails", true),
    FROZEN("frozen", "primary outputs frozen for 50 cycles (plausible: passes its acceptance test)", false),
    STALL("stall", "primary's steps take 1.5 periods (replica-side stall, alive and beating)", true),
    OOM("oom", "primary allocates until its 96 MB heap is exhausted and exits", true),
    DIVERGE("diverge", "primary's state perturbed once: the replicas' hashes differ", false),
    CHANNEL("channel", "direct channel between the replicas cut for 100 cycles", false),
    KILL_SHADOW("kill-shadow", "shadow SIGKILL while the primary flies", false),
    HANG_SHADOW("hang-shadow", "shadow SIGSTOP while the primary flies, SIGCONT 0.5 s later (fenced, then back in step)", false),
    STALL_SHADOW("stall-shadow", "shadow's steps take 1.5 periods for 100 cycles (alive and beating, late)", false),
    FLAPPING("flapping", "primary SIGKILL, then its restarted incarnation twice more while it recovers", true),
    NOISE("noise", "300 random bytes fed into the board link's receive path", false),
    UNPLUG("unplug", "board link unplugged by the host for 3 s: the board's failsafe descends; once the link is back the"
            + " flight task takes the aircraft back and flies on", false),
    KILL_BOTH("kill-both", "both replicas SIGKILL: board failsafe, cold recovery lands, both back", true);

    private final String label;
    private final String description;
    private final boolean changesHolder;

    FaultKind(String label, String description, boolean changesHolder) {
        this.label = label;
        this.description = description;
        this.changesHolder = changesHolder;
    }

    /** Short name used in tables, CSV files and on the command line. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Whether the right answer to this fault is to hand the I/O to the other replica. */
    public boolean changesHolder() {
        return changesHolder;
    }

    public static FaultKind fromLabel(String label) {
        for (FaultKind k : values()) {
            if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; expected one of "
                + Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", ")));
    }
}
