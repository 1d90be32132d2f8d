package io.pstr.manager.api;

import io.pstr.core.status.AircraftStatus;
import io.pstr.core.status.CommandGapStatus;
import io.pstr.core.status.ControlPlane;
import io.pstr.core.status.Fault;
import io.pstr.core.status.GateStatus;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.LinkStatus;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.core.status.Waypoint;
import io.pstr.manager.journal.Journal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A control plane over an in-memory journal and a fixed status, for API and CLI tests. */
public final class FakeControlPlane implements ControlPlane {

    public final Journal journal;
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    public FakeControlPlane() {
        journal = new Journal(null, nanos::get, () -> 1_700_000_000_000L);
    }

    public static SystemStatus sampleStatus() {
        return new SystemStatus(123_456_789L, "PRIMARY_ACTIVE", 1, 3, "A", "A", 4_200, 20, "revertive",
                List.of(new ReplicaStatus("A", "primary", true, "RUNNING", 4242, 1, 12, 4_200, 4_199, 0, 0, 0, 0, "HOVER", 9_000, true, 0, 12.5, 81_920, "jail",
                                new io.pstr.core.channel.ChannelCounters(4_200, 4_100, 0, 1, 0, 0, 0, 2),
                                new io.pstr.core.channel.ChannelDelay(63, 41, 38, 22, 4_100)),
                        new ReplicaStatus("B", "shadow", false, "SUSPECT", 4343, 2, -1, 4_100, 4_099, 3, 1, 0, 7, "HOVER", 8_990, false, 1, -1, -1, "process")),
                new GateStatus(4_200, 2, 5, 0, 1, 0, 1, 0),
                new LinkStatus("tcp:127.0.0.1:5760", true, "mavlink", false, 100_000, 50_000, 2_000, 1_000, 1, 17, 0, 2, 3,
                        java.util.Map.of("1/1", 2L), 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, "connection closed", 120, 900, 1_500),
                new AircraftStatus(9.87, 1, 2, 0.5, -0.1, 0, 0, 1.57, true, "OFFBOARD", 12.4, 35),
                List.of(new Waypoint(20, 0, 10), new Waypoint(20, 20, 10)),
                new CommandGapStatus(50, 119_656_789L, 20.6, 20.6, List.of(
                        new CommandGapStatus.Period(73_456_789L, 41.2, 41.2),
                        new CommandGapStatus.Period(123_456_789L, 20.6, 20.6))));
    }

    @Override
    public SystemStatus status() {
        return sampleStatus();
    }

    @Override
    public List<JournalEvent> events(long afterSeq, int limit) {
        return journal.events(afterSeq, limit);
    }

    @Override
    public JournalEvent injectFault(Fault fault) {
        if (fault == Fault.RESUME_PRIMARY) {
            throw new IllegalArgumentException("the primary is not stopped");
        }
        nanos.addAndGet(1_000_000);
        return journal.append("FAULT", "INJECTED", null, null, 3, 4_200, "A", fault.description(),
                Map.of("fault", fault.wireName()));
    }

    public volatile String policy = "revertive";

    @Override
    public String failbackPolicy(String policy) {
        this.policy = policy;
        journal.append("POLICY", "OPERATOR", null, null, 3, 4_200, null, "failback policy " + policy, Map.of());
        return policy;
    }

    public JournalEvent append(String type) {
        nanos.addAndGet(1_000_000);
        return journal.append(type, "TEST", "PRIMARY_ACTIVE", "SHADOW_ACTIVE", 4, 4_300, "B", "test event", Map.of());
    }
}
