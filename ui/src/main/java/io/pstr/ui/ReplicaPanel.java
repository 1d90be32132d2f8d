package io.pstr.ui;

import javafx.beans.value.ObservableValue;
import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** One replica: role, whether it holds the I/O (and the epoch), health and counters, its process. */
final class ReplicaPanel extends VBox {

    ReplicaPanel(ReplicaModel m) {
        getStyleClass().add("replica-panel");
        setId("replica-" + m.slot());
        Label title = new Label();
        title.textProperty().bind(m.roleProperty().concat(" · replica " + m.slot()));
        title.getStyleClass().add("replica-title");
        Label holder = new Label();
        holder.setId("holder-" + m.slot());
        holder.textProperty().bind(m.holderTextProperty());
        holder.getStyleClass().add("holder-badge");
        holder.setMaxWidth(Double.MAX_VALUE);
        m.holderProperty().addListener((o, was, now) -> holder.pseudoClassStateChanged(HOLDER, now));
        pseudoClassStateChanged(HOLDER, m.holderProperty().get());
        m.holderProperty().addListener((o, was, now) -> pseudoClassStateChanged(HOLDER, now));

        GridPane grid = new GridPane();
        grid.getStyleClass().add("figures");
        ColumnConstraints names = new ColumnConstraints();
        names.setHalignment(HPos.LEFT);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(names, values);
        int row = 0;
        row = add(grid, row, "state", m.healthProperty(), "health-" + m.slot());
        row = add(grid, row, "mission phase", m.phaseProperty(), null);
        row = add(grid, row, "heartbeat age", m.heartbeatAgeProperty(), null);
        row = add(grid, row, "cycles run", m.cyclesProperty(), null);
        row = add(grid, row, "deadline misses", m.deadlineMissesProperty(), null);
        row = add(grid, row, "acceptance failures", m.acceptanceFailuresProperty(), null);
        row = add(grid, row, "divergence", m.divergenceProperty(), null);
        row = add(grid, row, "sandbox", m.processProperty(), "process-" + m.slot());
        row = add(grid, row, "CPU", m.cpuProperty(), null);
        add(grid, row, "memory (RSS)", m.memoryProperty(), null);
        getChildren().addAll(title, holder, grid);
    }

    static final javafx.css.PseudoClass HOLDER = javafx.css.PseudoClass.getPseudoClass("holder");

    private static int add(GridPane grid, int row, String name, ObservableValue<String> value, String id) {
        Label n = new Label(name);
        n.getStyleClass().add("figure-name");
        n.setMinWidth(Label.USE_PREF_SIZE);
        Label v = new Label();
        v.textProperty().bind(value);
        v.getStyleClass().add("figure-value");
        if (id != null) {
            v.setId(id);
        }
        grid.addRow(row, n, v);
        return row + 1;
    }
}
