package io.pstr.core.status;

/** A mission waypoint in the local NED frame, origin at the take-off point, altitude up (metres). */
public record Waypoint(double northM, double eastM, double altitudeM) {
}
