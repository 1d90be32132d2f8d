package io.pstr.bench;

/** How a benchmark states one of the goals it was set: {@code goal: WHAT: VERDICT (FIGURES)}. */
public final class GoalLine {

    private GoalLine() {
    }

    /** A goal judged on this run's figures. */
    public static String of(String what, boolean reached, String figures) {
        return with(what, reached ? "REACHED" : "NOT reached", figures);
    }

    /** A goal this run cannot judge, and why. */
    public static String notJudged(String what, String why, String figures) {
        return with(what, "NOT JUDGED, " + why, figures);
    }

    private static String with(String what, String verdict, String figures) {
        return "goal: " + what + ": " + verdict + " (" + figures + ")";
    }
}
