package io.pstr.core.mavlink;

import java.util.List;

/**
 * MAVLink messages that boards send today but io.dronefleet.mavlink 1.1.11 (2020) does not know: without their
 * CRC_EXTRA a link could not check their frames, would drop them as unknown, and would take the sender's next frame
 * for one after a lost frame. PX4 streams CURRENT_MODE to a companion every two seconds, for one. With these the
 * frames are CRC-checked and passed on whole (replicas, flight log, a ground station on the side); the library still
 * cannot decode them, so the flight task ignores them.
 * <p>
 * Taken from MAVLink's message definitions (mavlink/mavlink, {@code message_definitions/v1.0}: common, development,
 * ardupilotmega and the dialects it includes), each CRC_EXTRA computed as the MAVLink specification defines it (the
 * X.25 CRC of the message name and its base fields' types and names in wire order, the two bytes folded into one).
 * Computed the same way for the messages the library does know, every one of its values came out equal.
 */
final class NewerMessages {

    record Message(int id, int crcExtra, String name) {
    }

    static final List<Message> ALL = List.of(
            new Message(277, 62, "CAMERA_THERMAL_RANGE"),
            new Message(292, 227, "ESC_EEPROM"),
            new Message(295, 234, "AIRSPEED"),
            new Message(296, 158, "GLOBAL_POSITION_SENSOR"),
            new Message(345, 209, "PARAM_ERROR"),
            new Message(354, 210, "SET_VELOCITY_LIMITS"),
            new Message(355, 6, "VELOCITY_LIMITS"),
            new Message(361, 93, "FIGURE_EIGHT_EXECUTION_STATUS"),
            new Message(369, 151, "BATTERY_STATUS_V2"),
            new Message(371, 10, "FUEL_STATUS"),
            new Message(372, 26, "BATTERY_INFO"),
            new Message(376, 199, "RELAY_STATUS"),
            new Message(396, 50, "COMPONENT_INFORMATION_BASIC"),
            new Message(414, 109, "GROUP_START"),
            new Message(415, 161, "GROUP_END"),
            new Message(420, 20, "RADIO_RC_CHANNELS"),
            new Message(435, 134, "AVAILABLE_MODES"),
            new Message(436, 193, "CURRENT_MODE"),
            new Message(437, 30, "AVAILABLE_MODES_MONITOR"),
            new Message(440, 66, "ILLUMINATOR_STATUS"),
            new Message(441, 169, "GNSS_INTEGRITY"),
            new Message(510, 245, "TARGET_ABSOLUTE"),
            new Message(511, 28, "TARGET_RELATIVE"),
            new Message(512, 184, "CONTROL_STATUS"),
            new Message(10004, 133, "UAVIONIX_ADSB_OUT_CFG_REGISTRATION"),
            new Message(10005, 103, "UAVIONIX_ADSB_OUT_CFG_FLIGHTID"),
            new Message(10006, 193, "UAVIONIX_ADSB_GET"),
            new Message(10007, 71, "UAVIONIX_ADSB_OUT_CONTROL"),
            new Message(10008, 240, "UAVIONIX_ADSB_OUT_STATUS"),
            new Message(10151, 195, "LOWEHEISER_GOV_EFI"),
            new Message(11004, 11, "SECURE_COMMAND"),
            new Message(11005, 93, "SECURE_COMMAND_REPLY"),
            new Message(11040, 132, "ESC_TELEMETRY_13_TO_16"),
            new Message(11041, 208, "ESC_TELEMETRY_17_TO_20"),
            new Message(11042, 201, "ESC_TELEMETRY_21_TO_24"),
            new Message(11043, 193, "ESC_TELEMETRY_25_TO_28"),
            new Message(11044, 189, "ESC_TELEMETRY_29_TO_32"),
            new Message(11060, 162, "NAMED_VALUE_STRING"),
            new Message(52000, 13, "AIRLINK_AUTH"),
            new Message(52001, 239, "AIRLINK_AUTH_RESPONSE"));

    private NewerMessages() {
    }
}
