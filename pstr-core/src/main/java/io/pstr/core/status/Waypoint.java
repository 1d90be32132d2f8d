package io.pstr.core.status;

/** A mission waypoint in the local NED frame, origin at the take-off point, altitude up (metres). */
public record Waypoint(double northM, double eastM, double altitudeM) {

    /**
     * The mission's square from the origin: north, east, south, then west back over the origin, all at
     * {@code altitudeM}. The one definition the replicas fly and the host shows.
     */
    public static java.util.List<Waypoint> square(double altitudeM, double sideM) {
        return java.util.List.of(new Waypoint(sideM, 0, altitudeM), new Waypoint(sideM, sideM, altitudeM),
                new Waypoint(0, sideM, altitudeM), new Waypoint(0, 0, altitudeM));
    }
}
