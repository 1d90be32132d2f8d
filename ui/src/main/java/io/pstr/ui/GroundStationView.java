package io.pstr.ui;

import io.pstr.core.status.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The ground station's window content, bound to a {@link StationModel}. Operator commands go through the
 * {@link StationConnection}'s command thread; their outcome comes back to the FX thread as a sentence.
 */
public final class GroundStationView {

    private final StationModel model;
    private final StationConnection connection;
    private final StationRecorder recorder;
    private final Path recordDir;
    private final BorderPane root = new BorderPane();
    private final ReadOnlyStringWrapper lastResult = new ReadOnlyStringWrapper("");
    private final FaultPanel faults;
    private final List<CanvasPane> live;

    /**
     * @param recorder  what the Record button starts and stops; the connection's listener must pass through
     *                  {@link StationRecorder#tee} for it to see anything
     * @param recordDir where recordings go
     */
    public GroundStationView(StationModel model, StationConnection connection, StationRecorder recorder, Path recordDir) {
        this.model = model;
        this.connection = connection;
        this.recorder = recorder;
        this.recordDir = recordDir;
        root.getStyleClass().add("station");
        root.getStylesheets().add(GroundStationView.class.getResource("station.css").toExternalForm());

        // ---- top: who holds the I/O, state, connection; the banner when the host manager is gone
        Label holder = new Label();
        holder.setId("system-holder");
        holder.getStyleClass().add("system-holder");
        holder.textProperty().bind(model.holderProperty().concat(" holds the I/O · epoch ").concat(model.epochProperty().asString()));
        Label state = new Label();
        state.setId("system-state");
        state.getStyleClass().add("system-state");
        state.textProperty().bind(model.stateProperty());
        Label summary = new Label();
        summary.textProperty().bind(model.summaryProperty());
        summary.getStyleClass().add("muted");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label conn = new Label();
        conn.textProperty().bind(model.connectionMessageProperty());
        conn.getStyleClass().add("muted");
        Label title = new Label("PSTR ground station");
        title.getStyleClass().add("app-title");
        for (Label l : List.of(title, state, holder, summary)) {
            l.setMinWidth(Region.USE_PREF_SIZE); // the connection message gives way, not these
        }
        conn.setMinWidth(0);
        HBox header = new HBox(14, title, state, holder, summary, spacer, policySwitch(), conn);
        header.getStyleClass().add("header");
        Label banner = new Label();
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.textProperty().bind(model.connectionMessageProperty().concat(
                "  —  NO CONTACT WITH THE HOST MANAGER: what is shown is stale; reconnecting automatically"));
        banner.visibleProperty().bind(model.connectedProperty().not());
        banner.managedProperty().bind(banner.visibleProperty());
        root.setTop(new VBox(header, banner));

        // ---- replicas and aircraft
        ReplicaPanel a = new ReplicaPanel(model.replicaA());
        ReplicaPanel b = new ReplicaPanel(model.replicaB());
        AttitudeIndicator attitude = new AttitudeIndicator(model.rollProperty()::get, model.pitchProperty()::get,
                model.yawProperty()::get);
        TrackView track = new TrackView(model.track(), model.yawProperty()::get);
        model.waypointsProperty().addListener((o, was, now) -> track.waypoints(now.stream()
                .map(w -> new double[] {w.northM(), w.eastM()}).toArray(double[][]::new)));
        VBox aircraftFigures = figures("Aircraft (board telemetry)",
                "altitude", model.altitudeTextProperty(),
                "ground speed", model.speedTextProperty(),
                "position", model.flightTextProperty(),
                "flight mode", model.modeTextProperty(),
                "armed", model.armedProperty().asString().map(t -> "true".equals(t) ? "ARMED" : "disarmed"),
                "battery", model.batteryTextProperty());
        aircraftFigures.setId("aircraft");
        HBox aircraft = new HBox(8, attitude, aircraftFigures, track);
        aircraft.getStyleClass().add("aircraft-panel");
        HBox.setHgrow(track, Priority.ALWAYS);
        attitude.setPrefSize(190, 200);
        track.setPrefSize(260, 200);
        aircraftFigures.setPrefWidth(210);
        aircraftFigures.setMinWidth(180);
        HBox top = new HBox(8, a, b, aircraft);
        top.getStyleClass().add("row");
        HBox.setHgrow(aircraft, Priority.ALWAYS);
        a.setPrefWidth(270);
        b.setPrefWidth(270);
        a.setMinWidth(230);
        b.setMinWidth(230);

        // ---- plots and controls
        List<StationModel.Marker> markers = model.markers();
        // one time axis: only the lowest plot labels it
        StripChart altitudePlot = new StripChart("altitude", model.plots(), markers, 2, 0).withoutTimeLabels();
        StripChart attitudePlot = new StripChart("attitude", model.plots(), markers, 4, 1, 2).withoutTimeLabels();
        StripChart gapPlot = new StripChart("command gap at the board link (ms)", model.commandGaps(), markers, 10, 0)
                .withoutTimeLabels()
                .fromZero()
                .reference("period %.0f ms", () -> model.controlPeriodMsProperty().get());
        StripChart latencyPlot = new StripChart("channel latency (µs)", model.channelLatency(), markers, 50, 0, 1)
                .fromZero();
        altitudePlot.setId("plot-altitude");
        attitudePlot.setId("plot-attitude");
        gapPlot.setId("plot-command-gap");
        latencyPlot.setId("plot-channel-latency");
        Tooltip.install(gapPlot, new Tooltip("The host's command gap, one point per 50 ms status period: the largest "
                + "interval between two consecutive control outputs its paced writer handed to the board link in the "
                + "period, or the time since the last one if that is longer. The dashed line is the control period."));
        Tooltip.install(latencyPlot, new Tooltip("Direct-channel latency of each replica's packets to its peer "
                + "(heartbeats every cycle): the paper's AVG_delay over the last packets the peer's phase log holds "
                + "(up to 63), in µs. No line while a replica's peer logs no new packet of it."));
        VBox plots = new VBox(4, altitudePlot, attitudePlot, gapPlot, latencyPlot);
        for (CanvasPane p : List.of(altitudePlot, attitudePlot, gapPlot, latencyPlot)) {
            VBox.setVgrow(p, Priority.ALWAYS);
            p.setPrefHeight(90);
            p.setMinHeight(60);
        }
        HBox.setHgrow(plots, Priority.ALWAYS);
        faults = new FaultPanel(model, this::inject, lastResult.getReadOnlyProperty());
        HBox counters = new HBox(12, block("board-link", "Board link", model.linkStateProperty(), model.linkCountersProperty()),
                block("output-gate", "Output gate", model.gateCountersProperty()));
        VBox controls = new VBox(8, faults, counters);
        controls.getStyleClass().add("controls");
        // every fault group on one line: the plots give up the width
        controls.setPrefWidth(590);
        controls.setMinWidth(560);
        // the buttons and the counters stay whole: the timeline below gives up the height they need
        controls.setMinHeight(Region.USE_PREF_SIZE);
        HBox middle = new HBox(8, plots, controls);
        middle.getStyleClass().add("row");

        VBox upper = new VBox(8, top, middle);
        VBox.setVgrow(middle, Priority.ALWAYS);
        SplitPane split = new SplitPane(upper, timeline());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.7);
        root.setCenter(split);

        live = List.of(altitudePlot, attitudePlot, gapPlot, latencyPlot, attitude, track);
        model.revisionProperty().addListener((o, was, now) -> live.forEach(CanvasPane::redraw));
    }

    public BorderPane root() {
        return root;
    }

    /** Shortcuts need the scene. */
    public void install(Scene scene) {
        faults.install(scene, model);
    }

    /** The outcome of the operator's last command. */
    public ObservableValue<String> lastResult() {
        return lastResult.getReadOnlyProperty();
    }

    private void inject(Fault fault) {
        lastResult.set("injecting " + fault.wireName() + " ...");
        report(connection.inject(fault), e -> "injected " + fault.wireName() + " (journal #" + e.seq() + ")");
    }

    private <T> void report(CompletableFuture<T> future, Function<T, String> ok) {
        future.whenComplete((value, failure) -> {
            String text = failure == null ? ok.apply(value) : "failed: " + cause(failure).getMessage();
            Platform.runLater(() -> lastResult.set(text));
        });
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private HBox policySwitch() {
        Label title = new Label("failback");
        title.getStyleClass().add("muted");
        title.setMinWidth(Region.USE_PREF_SIZE);
        ToggleGroup group = new ToggleGroup();
        ToggleButton revertive = new ToggleButton("revertive");
        revertive.setId("policy-revertive");
        ToggleButton nonRevertive = new ToggleButton("non-revertive");
        nonRevertive.setId("policy-non-revertive");
        for (ToggleButton t : List.of(revertive, nonRevertive)) {
            t.setToggleGroup(group);
            t.disableProperty().bind(model.connectedProperty().not());
            t.setOnAction(e -> {
                String policy = t.getText();
                t.setSelected(policy.equals(model.failbackPolicyProperty().get())); // the manager decides
                lastResult.set("switching the failback policy to " + policy + " ...");
                report(connection.failbackPolicy(policy), p -> "failback policy is " + p);
            });
        }
        model.failbackPolicyProperty().addListener((o, was, now) -> {
            revertive.setSelected("revertive".equals(now));
            nonRevertive.setSelected("non-revertive".equals(now));
        });
        revertive.setTooltip(new javafx.scene.control.Tooltip("a recovered primary takes the I/O back after the hold-off"));
        nonRevertive.setTooltip(new javafx.scene.control.Tooltip("the holder keeps the I/O and becomes the primary"));
        revertive.setMinWidth(Region.USE_PREF_SIZE);
        nonRevertive.setMinWidth(Region.USE_PREF_SIZE);
        HBox box = new HBox(4, title, revertive, nonRevertive);
        box.getStyleClass().add("policy-panel");
        return box;
    }

    /** A titled block of name/value lines; arguments alternate name, value. */
    private static VBox figures(String title, Object... nameValue) {
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        GridPane grid = new GridPane();
        grid.getStyleClass().add("figures");
        for (int i = 0; i < nameValue.length; i += 2) {
            Label n = new Label((String) nameValue[i]);
            n.getStyleClass().add("figure-name");
            n.setMinWidth(Region.USE_PREF_SIZE);
            Label v = new Label();
            @SuppressWarnings("unchecked")
            ObservableValue<String> value = (ObservableValue<String>) nameValue[i + 1];
            v.textProperty().bind(value);
            v.getStyleClass().add("figure-value");
            v.setWrapText(true);
            grid.addRow(i / 2, n, v);
        }
        VBox box = new VBox(4, t, grid);
        box.getStyleClass().add("figures-box");
        return box;
    }

    /** A titled block of multi-line texts, with ids {@code id-0}, {@code id-1}, ... */
    @SafeVarargs
    private static VBox block(String id, String title, ObservableValue<String>... texts) {
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        VBox box = new VBox(2, t);
        for (ObservableValue<String> text : texts) {
            Label v = new Label();
            v.setId(id + "-" + (box.getChildren().size() - 1));
            v.textProperty().bind(text);
            v.getStyleClass().add("figure-value");
            v.setWrapText(true);
            box.getChildren().add(v);
        }
        box.getStyleClass().add("figures-box");
        return box;
    }

    private VBox timeline() {
        TableView<TimelineEntry> table = new TableView<>(model.filteredTimeline());
        table.setId("timeline");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("t (s)", 60, e -> Double.isNaN(e.timeS()) ? "" : String.format(Locale.ROOT, "%.2f", e.timeS())));
        table.getColumns().add(column("time", 95, TimelineEntry::clock));
        table.getColumns().add(column("type", 85, TimelineEntry::type));
        table.getColumns().add(column("cause", 140, TimelineEntry::cause));
        table.getColumns().add(column("slot", 40, TimelineEntry::slot));
        table.getColumns().add(column("epoch", 50, e -> e.seq() == 0 ? "" : Long.toString(e.epoch())));
        table.getColumns().add(column("message", 420, TimelineEntry::message));
        table.getColumns().add(column("figures", 300, TimelineEntry::figures));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(TimelineEntry item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("row-failover", "row-failback", "row-fault", "row-connection");
                if (!empty && item != null) {
                    switch (item.type()) {
                        case "FAILOVER" -> getStyleClass().add("row-failover");
                        case "FAILBACK" -> getStyleClass().add("row-failback");
                        case "FAULT" -> getStyleClass().add("row-fault");
                        case "CONNECTION" -> getStyleClass().add("row-connection");
                        default -> {
                        }
                    }
                }
            }
        });
        // follow the newest entry unless the operator scrolled away from the bottom
        model.filteredTimeline().addListener((ListChangeListener<TimelineEntry>) c -> {
            int n = table.getItems().size();
            if (n > 0) {
                table.scrollTo(n - 1);
            }
        });
        ChoiceBox<TimelineEntry.Group> group = new ChoiceBox<>();
        group.setId("timeline-group");
        group.getItems().setAll(TimelineEntry.Group.values());
        group.valueProperty().bindBidirectional(model.groupProperty());
        TextField filter = new TextField();
        filter.setId("timeline-filter");
        filter.setPromptText("filter: text in any column");
        filter.textProperty().bindBidirectional(model.filterTextProperty());
        HBox.setHgrow(filter, Priority.ALWAYS);
        Button csv = new Button("Export CSV…");
        Button json = new Button("Export JSON…");
        csv.setOnAction(e -> export("csv"));
        json.setOnAction(e -> export("json"));
        Label title = new Label("Event timeline");
        title.getStyleClass().add("section-title");
        Label count = new Label();
        count.textProperty().bind(javafx.beans.binding.Bindings.size(model.filteredTimeline()).asString("%d shown"));
        count.getStyleClass().add("muted");
        HBox bar = new HBox(8, title, group, filter, count, csv, json, recordSwitch());
        bar.getStyleClass().add("timeline-bar");
        VBox box = new VBox(4, bar, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.getStyleClass().add("timeline");
        return box;
    }

    /** The Record toggle and what it is writing: files are opened, written and closed on the recorder's thread. */
    private HBox recordSwitch() {
        ToggleButton record = new ToggleButton("Record");
        record.setId("record-toggle");
        record.getStyleClass().add("record-toggle");
        record.setMinWidth(Region.USE_PREF_SIZE);
        record.setTooltip(new javafx.scene.control.Tooltip("record every status and event received, with its receive time, "
                + "as JSON lines in a new file in " + recordDir));
        Label status = new Label(recorder.describe());
        status.setId("record-status");
        status.getStyleClass().add("muted");
        status.setMinWidth(Region.USE_PREF_SIZE);
        // the recorder's thread says when the count moved; one update of the label pending at a time
        java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
        recorder.onChange(() -> {
            if (pending.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    pending.set(false);
                    status.setText(recorder.describe());
                });
            }
        });
        record.setOnAction(e -> {
            if (record.isSelected()) {
                status.setText("opening a file ...");
                recorder.start(recordDir).whenComplete((file, failure) -> {
                    if (failure != null) {
                        Platform.runLater(() -> {
                            record.setSelected(false);
                            status.setText("cannot record: " + cause(failure).getMessage());
                        });
                    }
                });
            } else {
                recorder.stop().whenComplete((summary, failure) -> {
                    if (failure != null) {
                        Platform.runLater(() -> status.setText("stopping failed: " + cause(failure).getMessage()));
                    }
                });
            }
        });
        HBox box = new HBox(6, record, status);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }

    private static TableColumn<TimelineEntry, String> column(String name, double width, Function<TimelineEntry, String> value) {
        TableColumn<TimelineEntry, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())).getReadOnlyProperty());
        c.setSortable(false);
        return c;
    }

    private void export(String kind) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the shown timeline as " + kind.toUpperCase(Locale.ROOT));
        chooser.setInitialFileName("pstr-timeline." + kind);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind.toUpperCase(Locale.ROOT), "*." + kind));
        Window window = root.getScene() == null ? null : root.getScene().getWindow();
        java.io.File file = chooser.showSaveDialog(window);
        if (file != null) {
            exportTo(file.toPath());
        }
    }

    /** Writes the entries the filter shows now, on the command thread. */
    public CompletableFuture<Path> exportTo(Path file) {
        List<TimelineEntry> snapshot = List.copyOf(model.filteredTimeline());
        CompletableFuture<Path> done = connection.command(() -> {
            try {
                TimelineExport.write(snapshot, file);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        });
        report(done, p -> "exported " + snapshot.size() + " events to " + p);
        return done;
    }
}
