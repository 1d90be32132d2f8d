package io.pstr.flightctl;

import io.pstr.flightctl.task.MissionPlan;
import picocli.CommandLine.Option;

/** Mission options shared by every command that starts replicas; both replicas must get the same. */
public final class MissionOptions {

    @Option(names = "--takeoff-alt-m", defaultValue = "10", description = "Take-off altitude (default ${DEFAULT-VALUE} m).")
    double takeoffAltitudeM;

    @Option(names = "--square-m", defaultValue = "20", description = "Side of the square of waypoints (default ${DEFAULT-VALUE} m).")
    double squareSideM;

    @Option(names = "--cruise-mps", defaultValue = "4", description = "Cruise speed between waypoints (default ${DEFAULT-VALUE} m/s).")
    double cruiseSpeedMps;

    @Option(names = "--laps", defaultValue = "1", description = "Times the square is flown before landing (default ${DEFAULT-VALUE}).")
    int laps = 1;

    @Option(names = "--final-hold-ms", defaultValue = "2000",
            description = "Hover at the last waypoint this long before landing (default ${DEFAULT-VALUE} ms).")
    int finalHoldMs = 2000;

    public MissionPlan plan() {
        MissionPlan plan = MissionPlan.square(takeoffAltitudeM, squareSideM, cruiseSpeedMps, laps, finalHoldMs);
        plan.validate();
        return plan;
    }
}
