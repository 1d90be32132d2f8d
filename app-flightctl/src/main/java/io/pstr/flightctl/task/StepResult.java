package io.pstr.flightctl.task;

import io.pstr.core.status.MissionPhase;
import java.util.List;

/**
 * What one control step produced.
 *
 * @param frames       MAVLink 2 frames to send to the board, in order; empty when the output was rejected
 * @param accepted     the acceptance test passed
 * @param rejectReason why it failed, empty when accepted
 * @param rejectCode   published code of {@link AcceptanceTest.Reason}
 * @param outputHash   FNV-1a 64 over the frames' bytes in order (divergence check between replicas)
 * @param odsHash      {@link Ods#hash()} after the step
 * @param phase        mission phase after the step
 * @param badInputs    input frames of this cycle that were malformed or undecodable, and skipped
 * @param requests     client requests handled this cycle, in arrival order; each has its ack in {@code frames}
 *                     when the output was accepted
 * @param requestsOverflow client requests beyond {@link FlightTask#MAX_REQUESTS_PER_CYCLE}, skipped unanswered
 */
public record StepResult(List<byte[]> frames, boolean accepted, String rejectReason, AcceptanceTest.Reason rejectCode,
                         long outputHash, long odsHash, MissionPhase phase, int badInputs, List<HandledRequest> requests,
                         int requestsOverflow) {

    public StepResult {
        frames = List.copyOf(frames);
        requests = List.copyOf(requests);
    }
}
