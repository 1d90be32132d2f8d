package io.pstr.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.core.status.ControlPlane;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.api.ApiServer;
import io.pstr.manager.journal.Journal;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window against a real API server (HTTP + SSE on Netty) over a scripted control plane: faults go out
 * only once confirmed, the policy switch reaches the manager, and a manager that goes away and comes back
 * (a new one, with a new journal, on the same port) shows the banner, then reconnects by itself.
 */
@ExtendWith(ApplicationExtension.class)
class ReconnectionUiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A control plane with a real journal and a status the test sets. */
    static final class ScriptedPlane implements ControlPlane {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        final Journal journal = new Journal(null, nanos::get, System::currentTimeMillis);
        final AtomicReference<SystemStatus> status = new AtomicReference<>();
        final List<Fault> faults = new CopyOnWriteArrayList<>();
        volatile String policy = "revertive";

        ScriptedPlane(long startNs) {
            nanos.set(startNs);
            status.set(Statuses.status(startNs, "A", 1, 10, 0));
            journal.append("START", "START", null, "STARTING", 0, 0, null, "host manager starting", Map.of());
        }

        @Override
        public SystemStatus status() {
            return status.get();
        }

        @Override
        public List<JournalEvent> events(long afterSeq, int limit) {
            return journal.events(afterSeq, limit);
        }

        @Override
        public JournalEvent injectFault(Fault fault) {
            faults.add(fault);
            return journal.append("FAULT", "OPERATOR", "PRIMARY_ACTIVE", "PRIMARY_ACTIVE", 1, 10, "A",
                    fault.wireName() + ": " + fault.description(), Map.of("pid", 4242));
        }

        @Override
        public String failbackPolicy(String p) {
            policy = p;
            return p;
        }
    }

    private StationFixture station;
    private ScriptedPlane first;
    private ApiServer server;
    private int port;

    @Start
    void start(Stage stage) throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        first = new ScriptedPlane(1_000_000_000L);
        server = serve(first);
        station = new StationFixture(stage, "127.0.0.1:" + port);
    }

    private ApiServer serve(ControlPlane plane) {
        return ApiServer.start(new ApiServer.Context().host("127.0.0.1").port(port).token(null).controlPlane(plane));
    }

    @AfterEach
    void stop() {
        station.close();
        if (server != null) {
            server.close();
        }
    }

    private static boolean visible(FxRobot robot, String query) {
        Node n = robot.lookup(query).query();
        return n.isVisible();
    }

    @Test
    void shouldInjectOnlyAConfirmedFaultAndSwitchThePolicy(FxRobot robot) {
        // The manager the window connected to at start: replacing it here would race the window's
        // noticing that it went away (a click could land while the buttons are disabled for the reconnection).
        ScriptedPlane plane = first;
        await().atMost(WAIT).until(() -> station.model.connectedProperty().get());

        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#fault-hang-primary");
        await("a fault asks first").atMost(WAIT).until(() -> visible(robot, "#confirm-bar"));
        // The bar is shown; let its layout pass run before the robot computes where its buttons are.
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#confirm-text").queryAs(Label.class).getText().contains("SIGSTOP"));
        robot.clickOn("#confirm-cancel");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(plane.faults.isEmpty(), "cancelled: nothing injected");

        robot.clickOn("#fault-kill-primary");
        await().atMost(WAIT).until(() -> visible(robot, "#confirm-bar"));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#confirm-inject");
        await().atMost(WAIT).until(() -> plane.faults.equals(List.of(Fault.KILL_PRIMARY)));
        await().atMost(WAIT).until(() -> station.model.timeline().stream().anyMatch(e -> "FAULT".equals(e.type())));

        robot.clickOn("#policy-non-revertive");
        await().atMost(WAIT).until(() -> "non-revertive".equals(plane.policy));
        Snapshots.save(robot, station.view.root().getScene(), "scripted-after-kill");
    }

    @Test
    void shouldShowTheBannerWhileTheManagerIsGoneAndReconnectToTheNewOne(FxRobot robot) {
        await().atMost(WAIT).until(() -> station.model.connectedProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(!visible(robot, "#banner"), "no banner while connected");

        server.close();
        server = null;
        await().atMost(WAIT).until(() -> !station.model.connectedProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(visible(robot, "#banner"), "the banner says the manager is gone");
        Snapshots.save(robot, station.view.root().getScene(), "manager-lost");
        assertTrue(robot.lookup("#fault-kill-primary").query().isDisabled(), "no fault buttons without a manager");

        ScriptedPlane second = new ScriptedPlane(50_000_000_000L);
        second.status.set(Statuses.status(50_000_000_000L, "B", 7, 10, 0));
        server = serve(second);
        await().atMost(WAIT).until(() -> station.model.connectedProperty().get() && "B".equals(station.model.holderProperty().get()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(!visible(robot, "#banner"), "banner gone after reconnection");
        assertEquals("HOLDS THE I/O · epoch 7", robot.lookup("#holder-B").queryAs(Label.class).getText());
        List<String> causes = station.model.timeline().stream().map(TimelineEntry::cause).toList();
        assertTrue(causes.contains("LOST") && causes.contains("MANAGER_RESTARTED") && causes.contains("RECONNECTED"), causes.toString());
        assertEquals(2, station.model.timeline().stream().filter(e -> "START".equals(e.type())).count(),
                "the new manager's journal is read from its start");
    }
}
