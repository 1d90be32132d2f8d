package io.pstr.core.channel;

import java.util.Objects;
import java.util.UUID;

/**
 * Address of a task on the direct channel (paper III.E): the UUID of its sandbox and its task id.
 * Written {@code <uuid>/<task>}, e.g. {@code 1b4e28ba-2fa1-11d2-883f-0016d3cca427/1}.
 */
public record ChannelAddress(UUID sandbox, int taskId) {

    public ChannelAddress {
        Objects.requireNonNull(sandbox, "sandbox");
        if (taskId < 0) {
            throw new IllegalArgumentException("task id " + taskId + " is negative");
        }
    }

    /** Parses {@code <uuid>/<task>}; a clear {@link IllegalArgumentException} otherwise. */
    public static ChannelAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no channel address");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("channel address '" + text + "' is not <sandbox-uuid>/<task-id>");
        }
        try {
            return new ChannelAddress(UUID.fromString(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channel address '" + text + "' is not <sandbox-uuid>/<task-id>: " + e.getMessage(), e);
        }
    }

    /** True when this is the address made of these three words (the form packets and files carry). */
    public boolean is(long sandboxMsb, long sandboxLsb, int task) {
        return sandbox.getMostSignificantBits() == sandboxMsb && sandbox.getLeastSignificantBits() == sandboxLsb
                && taskId == task;
    }

    /** A name usable as a file name. */
    public String fileName() {
        return sandbox + "-" + taskId;
    }

    /**
     * Written out, not left to the record: a record's own equals and hashCode link through
     * {@code java.lang.runtime.ObjectMethods} on their first call, which spins a dozen method-handle classes (the
     * class-data archive keeps none of them). A replica's first send to its peer compares addresses, and on the 2-core
     * machine that first call stalled the replica 60–70 ms at the mission's start (its heartbeat went stale, the host
     * marked it suspect).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelAddress a && taskId == a.taskId && sandbox.equals(a.sandbox);
    }

    @Override
    public int hashCode() {
        return 31 * sandbox.hashCode() + taskId;
    }

    @Override
    public String toString() {
        return sandbox + "/" + taskId;
    }
}
