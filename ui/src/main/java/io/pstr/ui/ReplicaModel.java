package io.pstr.ui;

import io.pstr.core.status.ReplicaStatus;
import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** One replica panel's state, as text ready to show; updated on the FX thread by {@link StationModel}. */
public final class ReplicaModel {

    private final String slot;
    private final ReadOnlyStringWrapper role = new ReadOnlyStringWrapper("-");
    private final ReadOnlyBooleanWrapper holder = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper holderText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper health = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper heartbeatAge = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper cycles = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper deadlineMisses = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper acceptanceFailures = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper divergence = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper process = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper cpu = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper memory = new ReadOnlyStringWrapper("-");
    private final ReadOnlyStringWrapper phase = new ReadOnlyStringWrapper("-");

    ReplicaModel(String slot) {
        this.slot = slot;
    }

    void update(ReplicaStatus r, long epoch) {
        role.set(r.role().toUpperCase(Locale.ROOT));
        holder.set(r.holder());
        holderText.set(r.holder() ? "HOLDS THE I/O · epoch " + epoch : "fenced from the I/O");
        health.set(r.health());
        heartbeatAge.set(r.heartbeatAgeMs() < 0 ? "none yet" : r.heartbeatAgeMs() + " ms");
        cycles.set(String.format(Locale.ROOT, "%,d (last %d)", r.cyclesRun(), r.lastCycle()));
        deadlineMisses.set(Long.toString(r.deadlineMisses()));
        acceptanceFailures.set(Long.toString(r.acceptanceFailures()));
        divergence.set(r.divergentCycles() + " cycles");
        process.set(r.pid() > 0 ? "pid " + r.pid() + " (#" + r.incarnation() + ")" : "no process");
        cpu.set(r.cpuPercent() < 0 ? "-" : String.format(Locale.ROOT, "%.0f %%", r.cpuPercent()));
        memory.set(r.rssKb() < 0 ? "-" : String.format(Locale.ROOT, "%.0f MiB", r.rssKb() / 1024.0));
        phase.set(r.missionPhase());
    }

    /** No host manager: nothing is known any more. */
    void unknown() {
        holder.set(false);
        holderText.set("unknown (no host manager)");
        health.set("-");
        heartbeatAge.set("-");
    }

    public String slot() {
        return slot;
    }

    public ReadOnlyStringProperty roleProperty() {
        return role.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty holderProperty() {
        return holder.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty holderTextProperty() {
        return holderText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty healthProperty() {
        return health.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty heartbeatAgeProperty() {
        return heartbeatAge.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty cyclesProperty() {
        return cycles.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty deadlineMissesProperty() {
        return deadlineMisses.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty acceptanceFailuresProperty() {
        return acceptanceFailures.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty divergenceProperty() {
        return divergence.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty processProperty() {
        return process.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty cpuProperty() {
        return cpu.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty memoryProperty() {
        return memory.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty phaseProperty() {
        return phase.getReadOnlyProperty();
    }
}
