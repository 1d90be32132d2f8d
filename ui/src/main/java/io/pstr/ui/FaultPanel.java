package io.pstr.ui;

import io.pstr.core.status.Fault;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The fault injection buttons, each with a keyboard shortcut; every fault is confirmed in an inline bar
 * (Enter injects, Escape cancels) so that no modal dialog ever covers the display during a flight. Only
 * faults the host manager really applies are offered.
 */
final class FaultPanel extends VBox {

    /** A button of the panel: the fault, its label and its shortcut. */
    record Action(Fault fault, String label, KeyCodeCombination shortcut) {
    }

    static final List<Action> ACTIONS = List.of(
            new Action(Fault.KILL_PRIMARY, "Kill primary", new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN)),
            new Action(Fault.HANG_PRIMARY, "Hang primary", new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN)),
            new Action(Fault.RESUME_PRIMARY, "Resume primary", new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN)),
            new Action(Fault.CORRUPT_PRIMARY, "Corrupt primary output", new KeyCodeCombination(KeyCode.DIGIT4, KeyCombination.SHORTCUT_DOWN)),
            new Action(Fault.KILL_SHADOW, "Kill shadow", new KeyCodeCombination(KeyCode.DIGIT5, KeyCombination.SHORTCUT_DOWN)),
            new Action(Fault.KILL_BOTH, "Kill both", new KeyCodeCombination(KeyCode.DIGIT6, KeyCombination.SHORTCUT_DOWN)));

    private final HBox confirmBar = new HBox(8);
    private final Label confirmText = new Label();
    private final Button inject = new Button("Inject");
    private final Button cancel = new Button("Cancel");
    private final Consumer<Fault> injector;
    private Fault pending;

    FaultPanel(StationModel model, Consumer<Fault> injector, ObservableValue<String> lastResult) {
        this.injector = injector;
        getStyleClass().add("fault-panel");
        Label title = new Label("Fault injection");
        title.getStyleClass().add("section-title");
        FlowPane buttons = new FlowPane(6, 6);
        for (Action a : ACTIONS) {
            Button b = new Button(a.label() + "  (" + a.shortcut().getDisplayText() + ")");
            b.setId("fault-" + a.fault().wireName());
            b.getStyleClass().add("fault-button");
            b.setTooltip(new Tooltip(a.fault().description()));
            b.disableProperty().bind(model.connectedProperty().not());
            b.setOnAction(e -> ask(a.fault(), model));
            buttons.getChildren().add(b);
        }
        confirmBar.getStyleClass().add("confirm-bar");
        confirmBar.setId("confirm-bar");
        confirmText.setId("confirm-text");
        confirmText.setWrapText(true);
        HBox.setHgrow(confirmText, Priority.ALWAYS);
        inject.setId("confirm-inject");
        inject.setDefaultButton(true);
        inject.getStyleClass().add("danger");
        cancel.setId("confirm-cancel");
        cancel.setCancelButton(true);
        confirmBar.getChildren().addAll(confirmText, inject, cancel);
        confirmBar.setVisible(false);
        confirmBar.managedProperty().bind(confirmBar.visibleProperty());
        inject.setOnAction(e -> confirm());
        cancel.setOnAction(e -> dismiss());
        // Enter and Escape only act while a confirmation is up
        inject.defaultButtonProperty().bind(confirmBar.visibleProperty());
        cancel.cancelButtonProperty().bind(confirmBar.visibleProperty());
        Label result = new Label();
        result.setId("command-result");
        result.getStyleClass().add("command-result");
        result.textProperty().bind(lastResult);
        result.setWrapText(true);
        getChildren().addAll(title, buttons, confirmBar, result);
    }

    /** Puts the shortcuts on the scene. */
    void install(Scene scene, StationModel model) {
        for (Action a : ACTIONS) {
            scene.getAccelerators().put(a.shortcut(), () -> {
                if (model.connectedProperty().get()) {
                    ask(a.fault(), model);
                }
            });
        }
    }

    private void ask(Fault fault, StationModel model) {
        pending = fault;
        String target = switch (fault) {
            case KILL_SHADOW -> "shadow " + model.shadowPidProperty().get();
            case KILL_BOTH -> "primary " + model.primaryPidProperty().get() + " and shadow " + model.shadowPidProperty().get();
            default -> "primary " + model.primaryPidProperty().get();
        };
        confirmText.setText(fault.wireName() + ": " + fault.description() + " — " + target + ". Inject?");
        confirmBar.setVisible(true);
        inject.requestFocus();
    }

    private void confirm() {
        Fault f = pending;
        dismiss();
        if (f != null) {
            injector.accept(f);
        }
    }

    private void dismiss() {
        pending = null;
        confirmBar.setVisible(false);
    }
}
