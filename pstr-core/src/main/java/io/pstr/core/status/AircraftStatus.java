package io.pstr.core.status;

/** The aircraft as its telemetry describes it (local NED, metres, radians). */
public record AircraftStatus(
        double altitudeM,
        double northM,
        double eastM,
        double groundSpeedMps,
        double climbRateMps,
        double rollRad,
        double pitchRad,
        double yawRad,
        boolean armed,
        String mode,
        double batteryV,
        long telemetryAgeMs) {
}
