package io.pstr.ui;

import io.pstr.core.channel.ChannelDelay;
import io.pstr.core.status.AircraftStatus;
import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.core.status.Waypoint;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The ground station's view model. The connection's threads drop what they receive into a thread-safe
 * inbox ({@link #listener()}) and ask for at most one pending flush on the FX thread ({@link #flushOn});
 * {@link #flush()} applies everything that came meanwhile in one batch: the latest status to the read-only
 * properties, every status to the plots, every journal event to the timeline. So the display is updated
 * at most once per pulse however fast the stream is, and not at all while nothing comes. Views only bind
 * to what this exposes.
 */
public final class StationModel {

    /** Plots and the track keep this much history. */
    public static final double WINDOW_S = 60;
    public static final double TRACK_WINDOW_S = 600;
    /** Timeline lines kept on screen (the whole run is in the host manager's journal file). */
    public static final int MAX_TIMELINE = 20_000;

    /** A vertical mark on the plots' time axis. */
    public record Marker(double timeS, String type, String label) {
    }

    private record ConnectionNote(boolean up, String message, long wallMs) {
    }

    private final ZoneId zone;
    private final LongSupplier wallClock;

    // ---- inbox: written by the connection's threads -------------------------------------------------
    private final ConcurrentLinkedQueue<SystemStatus> statusInbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger statusInboxSize = new AtomicInteger();
    private final ConcurrentLinkedQueue<JournalEvent> eventInbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ConnectionNote> connectionInbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> restartInbox = new ConcurrentLinkedQueue<>();

    // ---- FX thread ---------------------------------------------------------------------------------
    private final ReadOnlyBooleanWrapper connected = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper connectionMessage = new ReadOnlyStringWrapper("connecting ...");
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper holder = new ReadOnlyStringWrapper("-");
    private final ReadOnlyLongWrapper epoch = new ReadOnlyLongWrapper();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper failbackPolicy = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper primarySlot = new ReadOnlyStringWrapper("A");
    private final ReadOnlyStringWrapper primaryPid = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper shadowPid = new ReadOnlyStringWrapper("-");
    private final ReplicaModel a = new ReplicaModel("A");
    private final ReplicaModel b = new ReplicaModel("B");
    private final ReadOnlyDoubleWrapper altitude = new ReadOnlyDoubleWrapper(Double.NaN);
    private final ReadOnlyDoubleWrapper roll = new ReadOnlyDoubleWrapper();
    private final ReadOnlyDoubleWrapper pitch = new ReadOnlyDoubleWrapper();
    private final ReadOnlyDoubleWrapper yaw = new ReadOnlyDoubleWrapper();
    private final ReadOnlyStringWrapper flightText = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper speedText = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper altitudeText = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper modeText = new ReadOnlyStringWrapper("-");
    private final ReadOnlyBooleanWrapper armed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper batteryText = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper linkState = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper boardEndpoint = new ReadOnlyStringWrapper("-");
    private final ReadOnlyBooleanWrapper linkUp = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper linkCounters = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper gateCounters = new ReadOnlyStringWrapper("-");
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper();
    private final ReadOnlyObjectWrapper<List<Waypoint>> waypoints = new ReadOnlyObjectWrapper<>(List.of());
    private final TimeSeries plots = new TimeSeries(WINDOW_S, "altitude m", "roll °", "pitch °");
    /** One point per status period of the host: its command gap at the board link. */
    private final TimeSeries commandGaps = new TimeSeries(WINDOW_S, "gap ms");
    /** One point per status that brought new channel delays, per replica; NaN (no line) otherwise. */
    private final TimeSeries channelLatency = new TimeSeries(WINDOW_S, "replica A", "replica B");
    private final ReadOnlyIntegerWrapper controlPeriodMs = new ReadOnlyIntegerWrapper();
    private final TimeSeries track = new TimeSeries(TRACK_WINDOW_S, "north m", "east m");
    private final ObservableList<Marker> markers = FXCollections.observableArrayList();
    private final ObservableList<TimelineEntry> timeline = FXCollections.observableArrayList();
    private final FilteredList<TimelineEntry> filteredTimeline = new FilteredList<>(timeline, e -> true);
    private final ObjectProperty<TimelineEntry.Group> group = new SimpleObjectProperty<>(TimelineEntry.Group.ALL);
    private final StringProperty filterText = new SimpleStringProperty("");

    private final java.util.concurrent.atomic.AtomicBoolean flushPending = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile java.util.concurrent.Executor flusher;
    private long originNs = Long.MIN_VALUE;
    private SystemStatus lastStatus;
    private boolean everConnected;
    /** End of the last status period plotted: the statuses' periods overlap, each is plotted once. */
    private long lastGapPeriodEndNs = Long.MIN_VALUE;
    /** Per slot (A, B), where in its peer's phase log the last delay plotted was: a repeat is not new. */
    private final long[] lastDelaySeq = new long[2];

    public StationModel() {
        this(ZoneId.systemDefault(), System::currentTimeMillis);
    }

    StationModel(ZoneId zone, LongSupplier wallClock) {
        this.zone = zone;
        this.wallClock = wallClock;
        group.addListener((o, was, now) -> refilter());
        filterText.addListener((o, was, now) -> refilter());
    }

    private void refilter() {
        TimelineEntry.Group g = group.get() == null ? TimelineEntry.Group.ALL : group.get();
        String text = filterText.get();
        filteredTimeline.setPredicate(e -> e.in(g) && e.matches(text));
    }

    /**
     * From now on, whatever arrives schedules one flush on this executor ({@code Platform::runLater}) unless
     * one is already pending. Without it, {@link #flush()} must be called by its owner (tests).
     */
    public void flushOn(java.util.concurrent.Executor executor) {
        flusher = executor;
        requestFlush();
    }

    private void requestFlush() {
        java.util.concurrent.Executor f = flusher;
        if (f != null && flushPending.compareAndSet(false, true)) {
            f.execute(() -> {
                flushPending.set(false);
                flush();
            });
        }
    }

    /** Where the connection delivers; every method is safe on any thread and returns at once. */
    public StationConnection.Listener listener() {
        return new StationConnection.Listener() {
            @Override
            public void status(SystemStatus status) {
                statusInbox.add(status);
                // a stalled FX thread must not make the inbox grow without bound: keep the latest few seconds
                if (statusInboxSize.incrementAndGet() > 100 && statusInbox.poll() != null) {
                    statusInboxSize.decrementAndGet();
                }
                requestFlush();
            }

            @Override
            public void event(JournalEvent event) {
                eventInbox.add(event);
                requestFlush();
            }

            @Override
            public void connection(boolean up, String message) {
                connectionInbox.add(new ConnectionNote(up, message, wallClock.getAsLong()));
                requestFlush();
            }

            @Override
            public void managerRestarted() {
                restartInbox.add(wallClock.getAsLong());
                requestFlush();
            }
        };
    }

    /** Applies everything received since the last call. FX thread (or a test's thread); cheap when idle. */
    public boolean flush() {
        List<SystemStatus> statuses = new ArrayList<>();
        SystemStatus s;
        while ((s = statusInbox.poll()) != null) {
            statusInboxSize.decrementAndGet();
            statuses.add(s);
        }
        List<JournalEvent> events = new ArrayList<>();
        JournalEvent e;
        while ((e = eventInbox.poll()) != null) {
            events.add(e);
        }
        boolean changed = !statuses.isEmpty() || !events.isEmpty();
        Long restartedAt;
        while ((restartedAt = restartInbox.poll()) != null) {
            addEntry(TimelineEntry.note("CONNECTION", "MANAGER_RESTARTED",
                    "the host manager restarted: a new journal begins", timeS(lastStatus == null ? Long.MIN_VALUE
                            : lastStatus.monoNs()), restartedAt, zone));
            lastStatus = null; // a new manager: its statuses start again
            lastGapPeriodEndNs = Long.MIN_VALUE;
            java.util.Arrays.fill(lastDelaySeq, 0);
            changed = true;
        }
        if (originNs == Long.MIN_VALUE) {
            long min = Long.MAX_VALUE;
            for (SystemStatus st : statuses) {
                min = Math.min(min, st.monoNs());
            }
            for (JournalEvent ev : events) {
                min = Math.min(min, ev.monoNs());
            }
            if (min != Long.MAX_VALUE) {
                originNs = min;
            }
        }
        for (JournalEvent ev : events) {
            applyEvent(ev);
        }
        for (SystemStatus st : statuses) {
            sample(st);
        }
        if (!statuses.isEmpty()) {
            apply(statuses.get(statuses.size() - 1));
        }
        ConnectionNote note;
        while ((note = connectionInbox.poll()) != null) {
            applyConnection(note);
            changed = true;
        }
        if (changed) {
            revision.set(revision.get() + 1);
        }
        return changed;
    }

    private double timeS(long monoNs) {
        return originNs == Long.MIN_VALUE || monoNs == Long.MIN_VALUE ? Double.NaN : (monoNs - originNs) / 1e9;
    }

    private void applyConnection(ConnectionNote note) {
        if (note.up() == connected.get() && everConnected) {
            connectionMessage.set(note.message());
            return;
        }
        if (note.up()) {
            if (everConnected) {
                addEntry(TimelineEntry.note("CONNECTION", "RECONNECTED", note.message(), Double.NaN, note.wallMs(), zone));
            }
            everConnected = true;
        } else if (connected.get()) {
            addEntry(TimelineEntry.note("CONNECTION", "LOST", note.message(), Double.NaN, note.wallMs(), zone));
            a.unknown();
            b.unknown();
        }
        connected.set(note.up());
        connectionMessage.set(note.message());
    }

    private void applyEvent(JournalEvent ev) {
        double t = timeS(ev.monoNs());
        TimelineEntry entry = TimelineEntry.of(ev, t, zone);
        addEntry(entry);
        if (entry.isChange() || "FAULT".equals(ev.type())) {
            String label = entry.isChange() ? ev.type() + " → " + (ev.slot() == null ? "?" : otherOrSame(ev)) : faultName(ev);
            markers.add(new Marker(t, ev.type(), label));
            while (markers.size() > 200) {
                markers.remove(0);
            }
        }
    }

    /** The slot that holds the I/O after a change: FAILOVER names the lost replica, FAILBACK the primary. */
    private static String otherOrSame(JournalEvent ev) {
        String msg = ev.message() == null ? "" : ev.message();
        int takes = msg.indexOf(" takes the I/O");
        if (takes > 0) {
            return msg.substring(takes - 1, takes);
        }
        int primary = msg.indexOf("primary ");
        if ("FAILBACK".equals(ev.type()) && primary >= 0 && msg.length() > primary + 8) {
            return msg.substring(primary + 8, primary + 9);
        }
        return ev.slot();
    }

    private static String faultName(JournalEvent ev) {
        String msg = ev.message() == null ? "fault" : ev.message();
        int colon = msg.indexOf(':');
        return colon > 0 ? msg.substring(0, colon) : msg;
    }

    private void addEntry(TimelineEntry entry) {
        timeline.add(entry);
        if (timeline.size() > MAX_TIMELINE) {
            timeline.remove(0, timeline.size() - MAX_TIMELINE);
        }
    }

    /** Every status is a point on the plots; every status period of the host a point of the command gap. */
    private void sample(SystemStatus st) {
        double t = timeS(st.monoNs());
        AircraftStatus ac = st.aircraft();
        if (ac != null) {
            plots.add(t, ac.altitudeM(), Math.toDegrees(ac.rollRad()), Math.toDegrees(ac.pitchRad()));
            if (Double.isFinite(ac.northM()) && Double.isFinite(ac.eastM())) {
                track.add(t, ac.northM(), ac.eastM());
            }
        }
        for (CommandGapStatus.Period p : st.commandGap().recent()) {
            if (p.endMonoNs() > lastGapPeriodEndNs) {
                lastGapPeriodEndNs = p.endMonoNs();
                commandGaps.add(timeS(p.endMonoNs()), p.gapMs() < 0 ? Double.NaN : p.gapMs());
            }
        }
        channelLatency.add(t, newDelayUs(st, "A", 0), newDelayUs(st, "B", 1));
        lastStatus = st;
    }

    /** The replica's AVG_delay to its peer if the status brought new packets of it, else NaN. */
    private double newDelayUs(SystemStatus st, String slot, int index) {
        if (st.replicas() == null) {
            return Double.NaN;
        }
        for (ReplicaStatus r : st.replicas()) {
            if (slot.equals(r.slot())) {
                ChannelDelay d = r.channelDelay();
                boolean fresh = d.samples() > 0 && d.newestSeq() != lastDelaySeq[index];
                lastDelaySeq[index] = d.newestSeq();
                return fresh ? d.avgDelayUs() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The latest status sets every property. */
    private void apply(SystemStatus st) {
        state.set(st.state() + " (" + st.stateCode() + ")");
        holder.set(st.holder() == null ? "nobody" : st.holder());
        epoch.set(st.epoch());
        failbackPolicy.set(st.failbackPolicy() == null ? "-" : st.failbackPolicy());
        primarySlot.set(st.primary() == null ? "-" : st.primary());
        controlPeriodMs.set(st.controlPeriodMs());
        summary.set(String.format(Locale.ROOT, "cycle %,d · %d ms period (%d Hz)", st.cycle(), st.controlPeriodMs(),
                st.controlPeriodMs() > 0 ? 1000 / st.controlPeriodMs() : 0));
        if (st.replicas() != null) {
            for (ReplicaStatus r : st.replicas()) {
                ReplicaModel m = "A".equals(r.slot()) ? a : "B".equals(r.slot()) ? b : null;
                if (m != null) {
                    m.update(r, st.epoch());
                }
                String pid = r.pid() > 0 ? Long.toString(r.pid()) : "-";
                if ("primary".equals(r.role())) {
                    primaryPid.set(r.slot() + ", pid " + pid);
                } else {
                    shadowPid.set(r.slot() + ", pid " + pid);
                }
            }
        }
        if (!st.waypoints().equals(waypoints.get())) {
            waypoints.set(st.waypoints());
        }
        AircraftStatus ac = st.aircraft();
        if (ac != null) {
            altitude.set(ac.altitudeM());
            roll.set(ac.rollRad());
            pitch.set(ac.pitchRad());
            yaw.set(ac.yawRad());
            altitudeText.set(num("%.1f m", ac.altitudeM()) + "  " + num("%+.1f m/s", ac.climbRateMps()));
            speedText.set(num("%.1f m/s", ac.groundSpeedMps()));
            flightText.set(num("N %.1f", ac.northM()) + "  " + num("E %.1f m", ac.eastM()));
            modeText.set((ac.mode() == null ? "-" : ac.mode())
                    + (ac.telemetryAgeMs() > 1000 ? "  (telemetry " + ac.telemetryAgeMs() + " ms old)" : ""));
            armed.set(ac.armed());
            batteryText.set(num("%.2f V", ac.batteryV()));
        }
        LinkStatus l = st.board();
        if (l != null) {
            linkUp.set(l.up());
            boardEndpoint.set(l.endpoint());
            linkState.set((l.up() ? "UP  " : "DOWN  ") + l.endpoint());
            linkCounters.set(String.format(Locale.ROOT,
                    "in  %,d B · %,d frames%nout %,d B · %,d frames%nCRC errors %,d · skipped %,d B%n"
                            + "gaps %,d (%,d lost) · refused %,d (blocked %,d)%ndowns %,d (silent %,d · send stalls %,d)%n"
                            + "queue drops %,d · queue p99 %,d us%n%s",
                    l.bytesIn(), l.framesIn(), l.bytesOut(), l.framesOut(), l.crcErrors(), l.bytesSkipped(),
                    l.sequenceGaps(), l.framesLostToGaps(), l.writesRefused(), l.writesBlocked(), l.downs(), l.silences(),
                    l.sendStalls(), l.queueDrops(),
                    l.queueDelayP99Us(), l.signing()
                            ? String.format(Locale.ROOT, "signed · refused unsigned %,d · bad %,d · replayed %,d",
                                    l.unsignedRefused(), l.badSignatures(), l.replayedRefused())
                            : "not signed"));
        }
        GateStatus g = st.gate();
        if (g != null) {
            gateCounters.set(String.format(Locale.ROOT,
                    "sent %,d · fallback %,d%nfenced %,d · stale at board %,d%nmissed %,d · late %,d%nrejected %,d",
                    g.outputsSent(), g.fallbackOutputs(), g.fencedAtGate(), g.fencedReachedBoard(), g.missedCycles(),
                    g.lateDropped(), g.acceptanceRejected()));
        }
    }

    private static String num(String format, double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
    }

    // ---- what views bind to ------------------------------------------------------------------------

    public ReadOnlyBooleanProperty connectedProperty() {
        return connected.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty connectionMessageProperty() {
        return connectionMessage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty holderProperty() {
        return holder.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty epochProperty() {
        return epoch.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty failbackPolicyProperty() {
        return failbackPolicy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty primarySlotProperty() {
        return primarySlot.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty primaryPidProperty() {
        return primaryPid.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty shadowPidProperty() {
        return shadowPid.getReadOnlyProperty();
    }

    public ReplicaModel replicaA() {
        return a;
    }

    public ReplicaModel replicaB() {
        return b;
    }

    public ReadOnlyDoubleProperty altitudeProperty() {
        return altitude.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty rollProperty() {
        return roll.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty pitchProperty() {
        return pitch.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty yawProperty() {
        return yaw.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty altitudeTextProperty() {
        return altitudeText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty speedTextProperty() {
        return speedText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty flightTextProperty() {
        return flightText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modeTextProperty() {
        return modeText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty armedProperty() {
        return armed.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty batteryTextProperty() {
        return batteryText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty linkStateProperty() {
        return linkState.getReadOnlyProperty();
    }

    /** The host manager's board endpoint, e.g. {@code tcp:127.0.0.1:5760}. */
    public ReadOnlyStringProperty boardEndpointProperty() {
        return boardEndpoint.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty linkUpProperty() {
        return linkUp.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty linkCountersProperty() {
        return linkCounters.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty gateCountersProperty() {
        return gateCounters.getReadOnlyProperty();
    }

    /** The mission's waypoints, as the host manager knows them. */
    public ReadOnlyObjectProperty<List<Waypoint>> waypointsProperty() {
        return waypoints.getReadOnlyProperty();
    }

    /** Changes whenever a flush brought something new: plots and the track redraw then. */
    public ReadOnlyLongProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    public TimeSeries plots() {
        return plots;
    }

    /** The host's command gap at the board link, ms: one point per status period (50 ms). */
    public TimeSeries commandGaps() {
        return commandGaps;
    }

    /** Each replica's channel latency to its peer (AVG_delay, µs); channel 0 is A, 1 is B. */
    public TimeSeries channelLatency() {
        return channelLatency;
    }

    /** The control period of the host manager, ms (0 before the first status). */
    public ReadOnlyIntegerProperty controlPeriodMsProperty() {
        return controlPeriodMs.getReadOnlyProperty();
    }

    public TimeSeries track() {
        return track;
    }

    public ObservableList<Marker> markers() {
        return FXCollections.unmodifiableObservableList(markers);
    }

    /** Every entry, oldest first. */
    public ObservableList<TimelineEntry> timeline() {
        return FXCollections.unmodifiableObservableList(timeline);
    }

    /** The entries the filter lets through. */
    public ObservableList<TimelineEntry> filteredTimeline() {
        return filteredTimeline;
    }

    /** Timeline filter by group: an input of the view. */
    public ObjectProperty<TimelineEntry.Group> groupProperty() {
        return group;
    }

    /** Timeline filter by text: an input of the view. */
    public StringProperty filterTextProperty() {
        return filterText;
    }
}
