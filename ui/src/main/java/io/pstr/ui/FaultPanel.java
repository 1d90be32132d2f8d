package io.pstr.ui;

import io.pstr.core.status.Fault;
import java.util.function.Consumer;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The fault injection buttons ({@link FaultActions}), one row per group, each with its keyboard shortcut;
 * every fault is confirmed in a bar laid over the buttons (Enter injects, Escape cancels) so that no modal
 * dialog ever covers the display during a flight.
 */
final class FaultPanel extends VBox {

    /** Wide enough for the widest group's buttons on one line at the station's font (measured by FaultPanelUiTest). */
    static final double BUTTONS_WIDTH = 450;

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
        GridPane groups = new GridPane();
        groups.getStyleClass().add("fault-groups");
        int row = 0;
        for (FaultActions.Group g : FaultActions.Group.values()) {
            Label name = new Label(g.title());
            name.getStyleClass().add("fault-group");
            name.setId("fault-group-" + g.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            name.setMinWidth(Label.USE_PREF_SIZE);
            FlowPane buttons = new FlowPane(4, 4);
            buttons.setPrefWrapLength(BUTTONS_WIDTH);
            for (FaultActions.Action a : FaultActions.of(g)) {
                Label key = new Label(a.shortcut().getDisplayText());
                key.getStyleClass().add("fault-key");
                Button b = new Button(a.label(), key);
                b.setContentDisplay(ContentDisplay.RIGHT);
                b.setId("fault-" + a.fault().wireName());
                b.getStyleClass().add("fault-button");
                b.setTooltip(new Tooltip(a.fault().wireName() + ": " + a.fault().description()));
                b.disableProperty().bind(model.connectedProperty().not());
                b.setOnAction(e -> ask(a.fault(), model));
                b.setMinWidth(Button.USE_PREF_SIZE);
                buttons.getChildren().add(b);
            }
            GridPane.setHgrow(buttons, Priority.ALWAYS);
            groups.addRow(row++, name, buttons);
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
        inject.setMinWidth(Button.USE_PREF_SIZE); // the question wraps, the answers stay whole
        cancel.setMinWidth(Button.USE_PREF_SIZE);
        confirmBar.getChildren().addAll(confirmText, inject, cancel);
        confirmBar.setVisible(false);
        // over the buttons, not below them: asking changes no height (the timeline's divider stays put) and
        // covers the other buttons while a fault waits for its answer
        confirmBar.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        StackPane body = new StackPane(groups, confirmBar);
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
        title.setMinWidth(Label.USE_PREF_SIZE);
        HBox heading = new HBox(12, title, result);
        HBox.setHgrow(result, Priority.ALWAYS);
        getChildren().addAll(heading, body);
    }

    /** Puts the shortcuts on the scene. */
    void install(Scene scene, StationModel model) {
        for (FaultActions.Action a : FaultActions.ACTIONS) {
            scene.getAccelerators().put(a.shortcut(), () -> {
                if (model.connectedProperty().get()) {
                    ask(a.fault(), model);
                }
            });
        }
    }

    private void ask(Fault fault, StationModel model) {
        pending = fault;
        confirmText.setText(FaultActions.question(fault, model.primaryPidProperty().get(), model.shadowPidProperty().get(),
                model.boardEndpointProperty().get()));
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
