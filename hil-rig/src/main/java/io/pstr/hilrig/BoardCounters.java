package io.pstr.hilrig;

import java.util.concurrent.atomic.AtomicLong;

/** What the virtual board received and sent; readable from any thread. */
public final class BoardCounters {
    public final AtomicLong framesIn = new AtomicLong();
    public final AtomicLong framesOut = new AtomicLong();
    /** Frames the link would not take (no client connected). */
    public final AtomicLong framesOutRefused = new AtomicLong();
    public final AtomicLong decodeErrors = new AtomicLong();
    public final AtomicLong setpointsAccepted = new AtomicLong();
    public final AtomicLong setpointsRefused = new AtomicLong();
    public final AtomicLong commandsAccepted = new AtomicLong();
    public final AtomicLong commandsRejected = new AtomicLong();
    /** Commands or setpoints addressed to another system. */
    public final AtomicLong notForUs = new AtomicLong();
    public final AtomicLong otherMessages = new AtomicLong();
    public final AtomicLong physicsStepsSkipped = new AtomicLong();

    @Override
    public String toString() {
        return "framesIn=" + framesIn + " framesOut=" + framesOut + " outRefused=" + framesOutRefused
                + " decodeErrors=" + decodeErrors + " setpointsAccepted=" + setpointsAccepted
                + " setpointsRefused=" + setpointsRefused + " commandsAccepted=" + commandsAccepted
                + " commandsRejected=" + commandsRejected + " notForUs=" + notForUs + " other=" + otherMessages
                + " stepsSkipped=" + physicsStepsSkipped;
    }
}
