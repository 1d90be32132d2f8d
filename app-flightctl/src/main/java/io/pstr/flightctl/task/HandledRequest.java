package io.pstr.flightctl.task;

/**
 * A client request the step handled.
 *
 * @param id             the request's id ({@link io.pstr.core.mavlink.ClientRequests#requestId})
 * @param result         MAV_RESULT (COMMAND_LONG) or MAV_MISSION_RESULT (MISSION_ITEM_INT) code acknowledged
 * @param retransmission true when the id was already handled: acknowledged again, not executed
 */
public record HandledRequest(int id, int result, boolean retransmission) {
}
