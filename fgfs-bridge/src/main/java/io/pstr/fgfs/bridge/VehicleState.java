package io.pstr.fgfs.bridge;

/**
 * The quadcopter as its board reports it over MAVLink: local NED position (m) and velocity (m/s), attitude (rad)
 * and body rates (rad/s), and when the board measured each (its boot time, ms).
 */
public record VehicleState(long attitudeBootMs, double roll, double pitch, double yaw, double rollRate, double pitchRate,
                           double yawRate, long positionBootMs, double x, double y, double z, double vx, double vy, double vz,
                           boolean armed) {
}
