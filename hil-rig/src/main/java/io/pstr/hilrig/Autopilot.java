package io.pstr.hilrig;

import io.dronefleet.mavlink.minimal.MavAutopilot;
import java.util.Locale;

/** Which flight stack the virtual board behaves like: its personality. */
public enum Autopilot {
    /**
     * PX4 in OFFBOARD mode: main/sub custom modes, offboard entry only while setpoints stream, COM_OF_LOSS_T and
     * a failsafe descent (FAILSAFE_LAND, CRITICAL) when setpoints stop.
     */
    PX4(MavAutopilot.MAV_AUTOPILOT_PX4),
    /**
     * ArduCopter in GUIDED mode: copter mode numbers, GUIDED entered at once, GUID_TIMEOUT (level out and hold,
     * still in GUIDED, no failsafe) and GUID_OPTIONS (attitude targets only with bit 3, thrust as thrust).
     */
    ARDUPILOT(MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA);

    private final MavAutopilot mavAutopilot;

    Autopilot(MavAutopilot mavAutopilot) {
        this.mavAutopilot = mavAutopilot;
    }

    /** The autopilot field of the board's heartbeat. */
    public MavAutopilot mavAutopilot() {
        return mavAutopilot;
    }

    /** The name on the command line: {@code px4}, {@code ardupilot}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The valid names on the command line, for messages: {@code px4, ardupilot}. */
    public static String cliNames() {
        StringBuilder names = new StringBuilder();
        for (Autopilot a : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(a.cliName());
        }
        return names.toString();
    }

    /**
     * The personality named {@code name} (any case, e.g. {@code ardupilot}).
     *
     * @throws IllegalArgumentException naming the valid ones, for any other name
     */
    public static Autopilot parse(String name) {
        for (Autopilot a : values()) {
            if (a.cliName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown autopilot '" + name + "': use one of " + cliNames());
    }
}
