package io.pstr.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.status.Fault;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.junit.jupiter.api.Test;

class FaultActionsTest {

    @Test
    void everyFaultShouldHaveExactlyOneButton() {
        Set<Fault> seen = EnumSet.noneOf(Fault.class);
        for (FaultActions.Action a : FaultActions.ACTIONS) {
            assertTrue(seen.add(a.fault()), "twice: " + a.fault());
        }
        assertEquals(EnumSet.allOf(Fault.class), seen, "a fault the host manager applies has no button");
    }

    @Test
    void shortcutsAndLabelsShouldBeUnique() {
        Set<KeyCombination> shortcuts = new HashSet<>();
        Set<String> labels = new HashSet<>();
        for (FaultActions.Action a : FaultActions.ACTIONS) {
            assertTrue(shortcuts.add(a.shortcut()), "shortcut used twice: " + a.shortcut().getName());
            assertTrue(labels.add(a.label()), "label used twice: " + a.label());
            assertEquals(KeyCombination.ModifierValue.DOWN, a.shortcut().getShortcut(), a.label() + " without Ctrl");
        }
    }

    @Test
    void groupsShouldBeInThePanelsOrderAndNoneEmpty() {
        List<FaultActions.Group> order = FaultActions.ACTIONS.stream().map(FaultActions.Action::group).toList();
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i - 1).compareTo(order.get(i)) <= 0, "out of group order at " + FaultActions.ACTIONS.get(i));
        }
        for (FaultActions.Group g : FaultActions.Group.values()) {
            assertFalse(FaultActions.of(g).isEmpty(), g + " has no button");
        }
        assertEquals(List.of(Fault.BOARD_NOISE, Fault.BOARD_UNPLUG),
                FaultActions.of(FaultActions.Group.BOARD_LINK).stream().map(FaultActions.Action::fault).toList());
    }

    @Test
    void ctrlOneToSixShouldKeepTheirMeaning() {
        List<Fault> before = List.of(Fault.KILL_PRIMARY, Fault.HANG_PRIMARY, Fault.RESUME_PRIMARY, Fault.CORRUPT_PRIMARY,
                Fault.KILL_SHADOW, Fault.KILL_BOTH);
        KeyCode[] digits = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5, KeyCode.DIGIT6};
        for (int i = 0; i < before.size(); i++) {
            assertEquals(new KeyCodeCombination(digits[i], KeyCombination.SHORTCUT_DOWN), FaultActions.of(before.get(i)).shortcut());
        }
    }

    @Test
    void theQuestionShouldNameWhatTheFaultHits() {
        String primary = "A, pid 4242";
        String shadow = "B, pid 4343";
        String board = "tcp:127.0.0.1:5760";
        assertEquals("board-unplug: " + Fault.BOARD_UNPLUG.description() + " — board link tcp:127.0.0.1:5760. Inject?",
                FaultActions.question(Fault.BOARD_UNPLUG, primary, shadow, board));
        assertTrue(FaultActions.question(Fault.KILL_SHADOW, primary, shadow, board).endsWith("— shadow B, pid 4343. Inject?"));
        assertTrue(FaultActions.question(Fault.KILL_BOTH, primary, shadow, board)
                .endsWith("— primary A, pid 4242 and shadow B, pid 4343. Inject?"));
        assertTrue(FaultActions.question(Fault.CUT_CHANNEL, primary, shadow, board)
                .endsWith("— between primary A, pid 4242 and shadow B, pid 4343. Inject?"));
        assertTrue(FaultActions.question(Fault.STALL_PRIMARY, primary, shadow, board).endsWith("— primary A, pid 4242. Inject?"));
        assertTrue(FaultActions.question(Fault.HANG_SHADOW, primary, shadow, board).endsWith("— shadow B, pid 4343. Inject?"));
        assertTrue(FaultActions.question(Fault.STALL_SHADOW, primary, shadow, board).endsWith("— shadow B, pid 4343. Inject?"));
    }
}
