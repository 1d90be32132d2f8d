package io.pstr.manager.cli;

/**
 * Where the runnable modules' classpaths are: set by {@code ./pstr} (and the system tests) as system
 * properties, because host-manager must not depend on the replica's or the board's code.
 */
public final class Classpaths {

    public static final String REPLICA = "pstr.replica.classpath";
    public static final String BOARD = "pstr.board.classpath";
    public static final String FGFS = "pstr.fgfs.classpath";
    public static final String UI = "pstr.ui.classpath";

    private Classpaths() {
    }

    public static String replica() {
        return require(REPLICA, "app-flightctl");
    }

    public static String board() {
        return require(BOARD, "hil-rig");
    }

    public static String fgfs() {
        return require(FGFS, "fgfs-bridge");
    }

    public static String ui() {
        return require(UI, "ui");
    }

    private static String require(String property, String module) {
        String cp = System.getProperty(property);
        if (cp == null || cp.isBlank()) {
            throw new IllegalStateException("the " + module + " classpath is not set (system property " + property
                    + "): run through ./pstr, which builds the project and sets it");
        }
        return cp;
    }
}
