package io.pstr.ui;

import io.pstr.core.status.Fault;
import java.util.List;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/**
 * The fault buttons the ground station offers: one for every fault the host manager applies, in groups by
 * what they hit, each with a keyboard shortcut. Ctrl+1..6 keep the meaning they had before the panel grew
 * (an operator's fingers should not find a different fault under a known key); the others follow on Ctrl+7..0
 * and Ctrl+Shift+1..7. No scene graph here, so that tests can check the table without a display.
 */
final class FaultActions {

    /** What a group of faults hits, in the panel's order. */
    enum Group {
        PRIMARY_PROCESS("Primary process"),
        PRIMARY_OUTPUT("Primary output"),
        SHADOW_AND_CHANNEL("Shadow, both, channel"),
        BOARD_LINK("Board link");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        String title() {
            return title;
        }
    }

    /** A button of the panel: the fault, its group, its label and its shortcut. */
    record Action(Fault fault, Group group, String label, KeyCodeCombination shortcut) {
    }

    static final List<Action> ACTIONS = List.of(
            new Action(Fault.KILL_PRIMARY, Group.PRIMARY_PROCESS, "Kill", ctrl(KeyCode.DIGIT1)),
            new Action(Fault.HANG_PRIMARY, Group.PRIMARY_PROCESS, "Hang", ctrl(KeyCode.DIGIT2)),
            new Action(Fault.RESUME_PRIMARY, Group.PRIMARY_PROCESS, "Resume", ctrl(KeyCode.DIGIT3)),
            new Action(Fault.STALL_PRIMARY, Group.PRIMARY_PROCESS, "Stall", ctrl(KeyCode.DIGIT7)),
            new Action(Fault.OOM_PRIMARY, Group.PRIMARY_PROCESS, "OOM", ctrl(KeyCode.DIGIT8)),
            new Action(Fault.CORRUPT_PRIMARY, Group.PRIMARY_OUTPUT, "NaN", ctrl(KeyCode.DIGIT4)),
            new Action(Fault.RANGE_PRIMARY, Group.PRIMARY_OUTPUT, "Range", ctrl(KeyCode.DIGIT9)),
            new Action(Fault.FREEZE_PRIMARY, Group.PRIMARY_OUTPUT, "Freeze", ctrl(KeyCode.DIGIT0)),
            new Action(Fault.DIVERGE_PRIMARY, Group.PRIMARY_OUTPUT, "Diverge", ctrlShift(KeyCode.DIGIT1)),
            new Action(Fault.KILL_SHADOW, Group.SHADOW_AND_CHANNEL, "Kill shadow", ctrl(KeyCode.DIGIT5)),
            new Action(Fault.HANG_SHADOW, Group.SHADOW_AND_CHANNEL, "Hang shadow", ctrlShift(KeyCode.DIGIT5)),
            new Action(Fault.RESUME_SHADOW, Group.SHADOW_AND_CHANNEL, "Resume shadow", ctrlShift(KeyCode.DIGIT6)),
            new Action(Fault.STALL_SHADOW, Group.SHADOW_AND_CHANNEL, "Stall shadow", ctrlShift(KeyCode.DIGIT7)),
            new Action(Fault.KILL_BOTH, Group.SHADOW_AND_CHANNEL, "Kill both", ctrl(KeyCode.DIGIT6)),
            new Action(Fault.CUT_CHANNEL, Group.SHADOW_AND_CHANNEL, "Cut channel", ctrlShift(KeyCode.DIGIT2)),
            new Action(Fault.BOARD_NOISE, Group.BOARD_LINK, "Noise", ctrlShift(KeyCode.DIGIT3)),
            new Action(Fault.BOARD_UNPLUG, Group.BOARD_LINK, "Unplug 3 s", ctrlShift(KeyCode.DIGIT4)));

    private FaultActions() {
    }

    private static KeyCodeCombination ctrl(KeyCode key) {
        return new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN);
    }

    private static KeyCodeCombination ctrlShift(KeyCode key) {
        return new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    }

    /** The group's buttons, in the panel's order. */
    static List<Action> of(Group group) {
        return ACTIONS.stream().filter(a -> a.group() == group).toList();
    }

    /** The button of a fault. */
    static Action of(Fault fault) {
        return ACTIONS.stream().filter(a -> a.fault() == fault).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no button for " + fault));
    }

    /**
     * The question the confirmation bar asks: the fault, what it does, and what it hits now.
     *
     * @param primary the primary as the status names it, e.g. {@code A, pid 4242}
     * @param shadow  the shadow, the same way
     * @param board   the board link's endpoint
     */
    static String question(Fault fault, String primary, String shadow, String board) {
        String target = switch (fault) {
            case KILL_SHADOW, HANG_SHADOW, RESUME_SHADOW, STALL_SHADOW -> "shadow " + shadow;
            case KILL_BOTH -> "primary " + primary + " and shadow " + shadow;
            case CUT_CHANNEL -> "between primary " + primary + " and shadow " + shadow;
            case BOARD_NOISE, BOARD_UNPLUG -> "board link " + board;
            default -> "primary " + primary;
        };
        return fault.wireName() + ": " + fault.description() + " — " + target + ". Inject?";
    }
}
