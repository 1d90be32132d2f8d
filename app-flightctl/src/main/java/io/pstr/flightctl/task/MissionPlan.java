package io.pstr.flightctl.task;

import java.util.List;

/**
 * What the aircraft should fly. Configuration, not state: both replicas are started with the same plan,
 * and the mission progress lives in the {@link Ods}.
 *
 * @param takeOff          false for a land-only plan: never arms on the ground, never climbs
 * @param takeoffAltitudeM take-off altitude above the take-off point
 * @param waypoints        local NED waypoints, flown in order after take-off
 * @param cruiseSpeedMps   horizontal speed limit
 * @param acceptanceRadiusM a waypoint is reached inside this 3-D distance
 * @param waypointHoldMs   hold at each waypoint but the last
 * @param finalHoldMs      hold at the last waypoint (or at the hold point of a land-only plan) before landing
 */
public record MissionPlan(
        boolean takeOff,
        double takeoffAltitudeM,
        List<Waypoint> waypoints,
        double cruiseSpeedMps,
        double acceptanceRadiusM,
        int waypointHoldMs,
        int finalHoldMs) {

    /** A point in the local NED frame, origin at the take-off point; altitude is up (= -z). */
    public record Waypoint(double northM, double eastM, double altitudeM) {
    }

    /** Limits that no plan may exceed; they match the acceptance test's geofence. */
    public static final double MAX_ALTITUDE_M = 50.0;
    public static final double MAX_RADIUS_M = 100.0;

    public MissionPlan {
        waypoints = List.copyOf(waypoints);
    }

    /** Take-off to 10 m, a 20 m square N, E, S, W back over the origin at 4 m/s, then land. */
    public static MissionPlan defaults() {
        return square(10.0, 20.0, 4.0);
    }

    /** A square from the origin, north, east, south, west back over the origin, at the take-off altitude. */
    public static MissionPlan square(double takeoffAltitudeM, double sideM, double cruiseSpeedMps) {
        double altM = takeoffAltitudeM;
        return new MissionPlan(true, altM,
                io.pstr.core.status.Waypoint.square(altM, sideM).stream()
                        .map(w -> new Waypoint(w.northM(), w.eastM(), w.altitudeM())).toList(),
                cruiseSpeedMps, 0.6, 1500, 2000);
    }

    /**
     * The square flown {@code laps} times, holding {@code finalHoldMs} at the end before landing: a long
     * mission for soak runs and benchmarks.
     */
    public static MissionPlan square(double takeoffAltitudeM, double sideM, double cruiseSpeedMps, int laps, int finalHoldMs) {
        if (laps < 1 || laps > 10_000) {
            throw new IllegalArgumentException("laps = " + laps + " is outside [1, 10000]");
        }
        MissionPlan one = square(takeoffAltitudeM, sideM, cruiseSpeedMps);
        List<Waypoint> all = new java.util.ArrayList<>();
        for (int i = 0; i < laps; i++) {
            all.addAll(one.waypoints());
        }
        return new MissionPlan(true, one.takeoffAltitudeM(), all, cruiseSpeedMps, one.acceptanceRadiusM(),
                one.waypointHoldMs(), finalHoldMs);
    }

    /**
     * For a replica started with no peer state (both replicas were lost in flight): take OFFBOARD, hold where
     * the aircraft is, and land; on the ground and disarmed, stay idle. Never takes off.
     */
    public static MissionPlan landNow() {
        return new MissionPlan(false, 0.0, List.of(), 4.0, 0.6, 1500, 2000);
    }

    /** @return this plan @throws IllegalArgumentException naming the first bad field */
    public MissionPlan validate() {
        if (takeOff) {
            requireRange("takeoffAltitudeM", takeoffAltitudeM, 1.0, MAX_ALTITUDE_M);
        } else if (!waypoints.isEmpty()) {
            throw new IllegalArgumentException("a land-only plan has no waypoints, got " + waypoints.size());
        }
        requireRange("cruiseSpeedMps", cruiseSpeedMps, 0.5, 15.0);
        requireRange("acceptanceRadiusM", acceptanceRadiusM, 0.1, 10.0);
        requireRange("waypointHoldMs", waypointHoldMs, 0, 600_000);
        requireRange("finalHoldMs", finalHoldMs, 0, 600_000);
        for (int i = 0; i < waypoints.size(); i++) {
            Waypoint wp = waypoints.get(i);
            requireRange("waypoints[" + i + "].altitudeM", wp.altitudeM(), 1.0, MAX_ALTITUDE_M);
            double radiusM = StrictMath.sqrt(wp.northM() * wp.northM() + wp.eastM() * wp.eastM());
            if (!(radiusM <= MAX_RADIUS_M)) {
                throw new IllegalArgumentException("waypoints[" + i + "] is " + radiusM
                        + " m from the origin, outside the " + MAX_RADIUS_M + " m geofence");
            }
        }
        return this;
    }

    /** Converts a duration to whole cycles, rounding up so that a hold is never shorter than asked. */
    public static long cycles(long durationMs, int periodMs) {
        return (durationMs + periodMs - 1) / periodMs;
    }

    private static void requireRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " = " + value + " is outside [" + min + ", " + max + "]");
        }
    }
}
