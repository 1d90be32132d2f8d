package io.pstr.manager.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pstr.core.link.Endpoint;
import io.pstr.core.record.BoardRecord;
import io.pstr.core.record.BoardRecordReader;
import io.pstr.core.rt.Jvm;
import io.pstr.core.status.Fault;
import io.pstr.core.status.JournalEvent;
import io.pstr.core.status.ReplicaStatus;
import io.pstr.core.status.SystemStatus;
import io.pstr.manager.BoardProcess;
import io.pstr.manager.FailoverReport;
import io.pstr.manager.GroundStationClient;
import io.pstr.manager.RunningManager;
import io.pstr.manager.journal.Journal;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pstr demo}: the paper's section IV on one machine. The virtual board, the host manager and
 * two replicas fly a square; the primary is killed, recovers and takes the I/O back, is hung, and the
 * aircraft lands. Prints who holds the I/O as it goes and the failover figures at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Flies the demo mission on the virtual board with two replicas and injects faults into the primary: SIGKILL mid-mission (the shadow takes the I/O, the primary restarts, resyncs and takes it back), then SIGSTOP (the shadow takes over, the hung primary stays fenced; it is resumed, rejoins and takes the I/O back), then lands. Prints time, phase, I/O holder, epoch, altitude and every failover event, then a summary; --report writes the figures as JSON. Exit code 0 when the aircraft landed and every check passed, 2 when a check failed, 1 on error.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--report", paramLabel = "FILE", description = "Write the failover report as JSON here.")
    Path report;

    @Option(names = "--kill-at-s", defaultValue = "12", paramLabel = "S",
            description = "SIGKILL the primary this long after the mission starts (default ${DEFAULT-VALUE} s; negative: never).")
    double killAtS;

    @Option(names = "--hang-at-s", defaultValue = "24", paramLabel = "S",
            description = "SIGSTOP the primary at this time (default ${DEFAULT-VALUE} s; negative: never).")
    double hangAtS;

    @Option(names = "--resume-after-s", defaultValue = "2", paramLabel = "S",
            description = "SIGCONT the hung primary this long after it was stopped (default ${DEFAULT-VALUE} s; negative: never, "
                    + "then the manager kills it after its hang timeout and restarts it).")
    double resumeAfterS;

    @Option(names = "--waypoint-at-s", defaultValue = "18", paramLabel = "S",
            description = "A ground station on UDP sends the flight task a new waypoint (MISSION_ITEM_INT, go to 10 m N, "
                    + "10 m E, 12 m up, then carry on with the square) at this time; the acknowledgement is printed "
                    + "(default ${DEFAULT-VALUE} s; negative: never; not sent when --gcs names your own ground station).")
    double waypointAtS;

    @Option(names = "--duration-s", defaultValue = "120", paramLabel = "S",
            description = "Give up if the aircraft has not landed after this long (default ${DEFAULT-VALUE} s).")
    double durationS;

    @Option(names = "--print-every-ms", defaultValue = "500", paramLabel = "MS",
            description = "Interval between status lines (default ${DEFAULT-VALUE} ms).")
    long printEveryMs;

    @Mixin
    VirtualBoardOptions boardOptions = new VirtualBoardOptions();

    @Option(names = "--board-link", defaultValue = "tcp", paramLabel = "tcp|pty",
            description = "How the virtual board is connected: tcp (loopback) or pty (a socat pty pair opened as a 115200 bit/s "
                    + "serial port, like a real board's UART; needs socat). Default ${DEFAULT-VALUE}.")
    String boardLink;

    @Option(names = "--flightgear", description = "Also show the flight in FlightGear (./pstr fgfs in view mode, which starts FlightGear "
            + "or attaches to one running; see docs/flightgear.md). The demo carries on if FlightGear fails or stops.")
    boolean flightgear;

    @Option(names = "--ui", description = "Also open the ground station window (./pstr ui) on this demo; the demo waits "
            + "for the window to be closed before it stops the host manager.")
    boolean ui;

    @Option(names = "--ui-arg", paramLabel = "ARG", description = "One more option for the ground station, e.g. "
            + "--ui-arg=--screenshots --ui-arg=docs/screenshots (repeatable).")
    List<String> uiArgs = new ArrayList<>();

    @Mixin
    ManagerOptions options = new ManagerOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    /** How long the demo waits for FlightGear's first start (it builds a navigation cache), the bridge's bound too. */
    static final long FLIGHTGEAR_STARTUP_S = 180;

    private record Scheduled(double atS, Fault fault) {
    }

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (!(durationS > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration-s must be positive");
        }
        Path dir = options.resolveRunDir("demo");
        if (!boardLink.equals("tcp") && !boardLink.equals("pty")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--board-link must be tcp or pty, not '" + boardLink + "'");
        }
        List<String> boardArgs = new ArrayList<>();
        try {
            boardArgs.addAll(boardOptions.boardArgs());
            options.validate(dir);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Files.createDirectories(dir);
        out.printf("run directory %s%n", dir);
        out.flush();
        long wallStart = System.nanoTime();
        boardArgs.addAll(List.of("--priority", options.priority()));
        if (options.signingKey() != null) {
            boardArgs.addAll(List.of("--signing-key", options.signingKey().toAbsolutePath().toString()));
        }
        FgfsBridgeProcess fgfs = null;
        if (flightgear) {
            try {
                fgfs = FgfsBridgeProcess.start(Classpaths.fgfs(), dir, out, 60_000, FLIGHTGEAR_STARTUP_S);
                boardArgs.addAll(List.of("--tap", fgfs.tapEndpoint()));
                out.printf("FlightGear bridge up (pid %d), board telemetry tapped to %s; log %s%n", fgfs.pid(), fgfs.tapEndpoint(),
                        dir.resolve("fgfs-bridge.log"));
                out.println("waiting for FlightGear before take-off (its first start builds a navigation cache)");
                out.flush();
                fgfs.awaitFlightGear(TimeUnit.SECONDS.toMillis(FLIGHTGEAR_STARTUP_S + 10));
            } catch (RuntimeException e) {
                out.printf("!! FlightGear bridge not started (%s): the demo goes on without it%n", e.getMessage());
            }
        }
        BoardProcess board = BoardProcess.start(Classpaths.board(), dir, boardLink.equals("pty"), boardArgs, 60_000);
        out.printf("virtual board up (pid %d) on %s, record %s%n", board.pid(), board.endpoint(), board.record());
        Journal journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        GroundStationClient groundStation = null;
        RunningManager running;
        try {
            if (options.gcs == null && waypointAtS >= 0) {
                groundStation = GroundStationClient.open(0);
                options.gcs = groundStation.endpoint();
            }
            running = RunningManager.start(options.context(Endpoint.parse(board.endpoint()), dir, journal),
                    options.apiHost, options.apiPort, options.token);
        } catch (RuntimeException e) {
            if (groundStation != null) {
                groundStation.close();
            }
            board.close();
            if (fgfs != null) {
                fgfs.close();
            }
            throw e;
        }
        if (options.gcs != null) {
            out.printf("ground station link %s%s%n", options.gcs, groundStation != null ? " (the demo's own, on UDP)" : "");
        }
        out.printf("host manager up, API http://%s — try ./pstr status --api %s in another terminal%n",
                running.api().address(), running.api().address());
        int code;
        long originNs;
        long endNs;
        boolean landed;
        Process window = null;
        try {
            window = ui ? startUi(running.api().address()) : null;
            Flight flight = fly(running, groundStation);
            originNs = flight.originNs;
            endNs = System.nanoTime();
            landed = flight.landed;
            if (window != null && window.isAlive()) {
                out.println("the flight is over: close the ground station window to stop the host manager");
                out.flush();
                window.waitFor();
            }
        } finally {
            if (window != null) {
                window.destroy();
            }
            running.close();
            board.close();
            if (groundStation != null) {
                groundStation.close();
            }
            if (fgfs != null) {
                fgfs.close();
            }
        }
        List<JournalEvent> events = journal.events(0, Integer.MAX_VALUE);
        BoardRecordReader reader = new BoardRecordReader();
        List<BoardRecord> records = reader.read(board.record());
        Map<String, Object> figures = new java.util.LinkedHashMap<>(
                FailoverReport.build(options.periodMs, originNs, endNs, events, records));
        figures.put("landed", landed);
        figures.put("boardRecordBadLines", reader.badLines());
        code = summarize(figures, landed);
        if (report != null) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            json.writeValue(report.toFile(), figures);
            out.printf("report written to %s%n", report);
        }
        out.printf("demo took %.1f s; journal %s%n", (System.nanoTime() - wallStart) / 1e9, dir.resolve("journal.jsonl"));
        var tlog = running.manager().tlog();
        if (tlog != null) {
            out.printf("flight log %s (%d records dropped): check it with ./pstr replay %s%n", tlog.file(), tlog.dropped(), tlog.file());
        }
        out.flush();
        return code;
    }

    /** The ground station as a child JVM from the ui module's classpath, on this demo's API. */
    private Process startUi(String apiAddress) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(Jvm.javaBinary(),
                "-XX:+UseSerialGC", "-Xmx512m", "-cp", Classpaths.ui(), "io.pstr.ui.GroundStationMain", "--api", apiAddress));
        command.addAll(uiArgs);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (options.token != null && !options.token.isBlank()) {
            builder.environment().put("PSTR_API_TOKEN", options.token); // not on the command line, where ps shows it
        }
        Process p = builder.start();
        out.printf("ground station window started (pid %d)%n", p.pid());
        return p;
    }

    private static final class Flight {
        long originNs;
        boolean landed;
    }

    private Flight fly(RunningManager running, GroundStationClient groundStation) {
        Flight flight = new Flight();
        boolean waypointSent = groundStation == null;
        byte[] waypoint = groundStation == null ? null : groundStation.waypoint(10, 10, 12);
        long waypointSentNs = 0;
        int waypointAttempts = 0;
        int acksPrinted = 0;
        List<Scheduled> schedule = new ArrayList<>();
        if (killAtS >= 0) {
            schedule.add(new Scheduled(killAtS, Fault.KILL_PRIMARY));
        }
        if (hangAtS >= 0) {
            schedule.add(new Scheduled(hangAtS, Fault.HANG_PRIMARY));
            if (resumeAfterS >= 0) {
                schedule.add(new Scheduled(hangAtS + resumeAfterS, Fault.RESUME_PRIMARY));
            }
        }
        schedule.sort((a, b) -> Double.compare(a.atS(), b.atS()));
        long startNs = System.nanoTime();
        long deadlineNs = startNs + (long) (durationS * 1e9);
        long nextPrintNs = startNs;
        long lastEventSeq = 0;
        long landedSinceNs = Long.MIN_VALUE;
        flight.originNs = Long.MIN_VALUE;
        out.printf("%n%7s  %-9s %-6s %5s  %-18s %7s %7s  %-12s%n", "t(s)", "phase", "holder", "epoch", "state", "alt(m)",
                "north", "board mode");
        while (true) {
            long now = System.nanoTime();
            for (JournalEvent e : running.manager().events(lastEventSeq, 1000)) {
                lastEventSeq = e.seq();
                if ("START".equals(e.type()) && e.slot() != null && flight.originNs == Long.MIN_VALUE) {
                    flight.originNs = e.monoNs();
                }
                printEvent(e, flight.originNs == Long.MIN_VALUE ? e.monoNs() : flight.originNs);
            }
            SystemStatus s = running.manager().status();
            double t = flight.originNs == Long.MIN_VALUE ? 0 : (now - flight.originNs) / 1e9;
            while (flight.originNs != Long.MIN_VALUE && !schedule.isEmpty() && t >= schedule.get(0).atS()) {
                Scheduled next = schedule.remove(0);
                try {
                    running.manager().injectFault(next.fault());
                } catch (IllegalArgumentException | IllegalStateException e) {
                    out.printf("%7.2f  !! could not inject %s: %s%n", t, next.fault().wireName(), e.getMessage());
                }
            }
            if (!waypointSent && flight.originNs != Long.MIN_VALUE && t >= waypointAtS && groundStation.sendRaw(waypoint)) {
                waypointSent = true;
                waypointSentNs = now;
                waypointAttempts = 1;
                out.printf(Locale.ROOT, "%7.2f  >> REQUEST   ground station   new waypoint 10 m N, 10 m E, 12 m up (MISSION_ITEM_INT)%n", t);
            }
            if (groundStation != null) {
                List<GroundStationClient.Ack> acks = groundStation.acks();
                // as a ground station does: no answer within a second, send it again (the task answers, never re-executes)
                if (waypointAttempts > 0 && waypointAttempts < 3 && acks.isEmpty()
                        && now - waypointSentNs > TimeUnit.SECONDS.toNanos(1) && groundStation.sendRaw(waypoint)) {
                    waypointAttempts++;
                    waypointSentNs = now;
                    out.printf(Locale.ROOT, "%7.2f  >> REQUEST   ground station   no answer: new waypoint sent again%n", t);
                }
                for (; acksPrinted < acks.size(); acksPrinted++) {
                    out.printf(Locale.ROOT, "%7.2f  >> ACK       ground station   %s%n",
                            (acks.get(acksPrinted).receivedNs() - flight.originNs) / 1e9, describeAck(acks.get(acksPrinted).payload()));
                }
            }
            if (now >= nextPrintNs) {
                nextPrintNs = now + TimeUnit.MILLISECONDS.toNanos(printEveryMs);
                printStatus(t, s);
            }
            String phase = holderPhase(s);
            if (schedule.isEmpty() && "LANDED".equals(phase) && !s.aircraft().armed()) {
                if (landedSinceNs == Long.MIN_VALUE) {
                    landedSinceNs = now;
                } else if (now - landedSinceNs > TimeUnit.SECONDS.toNanos(1)) {
                    flight.landed = true;
                    printStatus(t, s);
                    out.printf("%7.2f  landed and disarmed%n", t);
                    break;
                }
            }
            if (now > deadlineNs) {
                out.printf("%7.2f  !! gave up: not landed after %.0f s%n", t, durationS);
                break;
            }
            out.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        if (flight.originNs == Long.MIN_VALUE) {
            flight.originNs = startNs;
        }
        out.flush();
        return flight;
    }

    private static String describeAck(Object ack) {
        if (ack instanceof io.dronefleet.mavlink.common.MissionAck m) {
            return "MISSION_ACK " + (m.type().entry() != null ? m.type().entry().name() : m.type().value());
        }
        if (ack instanceof io.dronefleet.mavlink.common.CommandAck c) {
            return "COMMAND_ACK " + c.command().value() + " " + (c.result().entry() != null ? c.result().entry().name() : c.result().value());
        }
        return String.valueOf(ack);
    }

    private static String holderPhase(SystemStatus s) {
        for (ReplicaStatus r : s.replicas()) {
            if (r.holder()) {
                return r.missionPhase();
            }
        }
        return "-";
    }

    private void printStatus(double t, SystemStatus s) {
        out.printf(Locale.ROOT, "%7.2f  %-9s %-6s %5d  %-18s %7.2f %7.2f  %-12s%n", t, holderPhase(s),
                s.holder() == null ? "none" : s.holder(), s.epoch(), s.state(), s.aircraft().altitudeM(),
                s.aircraft().northM(), s.aircraft().mode() + (s.aircraft().armed() ? " armed" : ""));
    }

    private void printEvent(JournalEvent e, long originNs) {
        String type = e.type();
        if ("STATE".equals(type) || "REPLICA".equals(type) || "REQUEST".equals(type)) {
            out.printf(Locale.ROOT, "%7.2f     %s%n", (e.monoNs() - originNs) / 1e9, e.message());
            return;
        }
        StringBuilder extra = new StringBuilder();
        if (e.figures() != null && e.figures().get("detectMs") instanceof Number d) {
            extra.append(String.format(Locale.ROOT, " (detected in %.1f ms)", d.doubleValue()));
        }
        out.printf(Locale.ROOT, "%7.2f  >> %-9s %-16s %s%s%n", (e.monoNs() - originNs) / 1e9, type, e.cause(), e.message(), extra);
    }

    @SuppressWarnings("unchecked")
    private int summarize(Map<String, Object> figures, boolean landed) {
        int period = options.periodMs;
        List<FailoverReport.Failover> failovers = (List<FailoverReport.Failover>) figures.get("failovers");
        out.printf("%n%-3s %-9s %-16s %-5s %9s %9s %9s %6s %5s %5s %8s%n", "#", "change", "cause", "to", "fault(s)",
                "detect", "gap(ms)", "fenced", "dup", "lost", "altDev");
        int i = 0;
        boolean ok = landed;
        List<String> problems = new ArrayList<>();
        if (!landed) {
            problems.add("the aircraft did not land");
        }
        for (FailoverReport.Failover f : failovers) {
            out.printf(Locale.ROOT, "%-3d %-9s %-16s %-5s %9s %9s %9.1f %6d %5d %5d %8.2f%n", ++i, f.type(), f.cause(),
                    f.to() == null ? "none" : f.to(), f.faultAtMs() == null ? "-" : String.format(Locale.ROOT, "%.2f", f.faultAtMs() / 1000),
                    f.detectMs() == null ? "-" : String.format(Locale.ROOT, "%.1f ms", f.detectMs()), f.commandGapMs(),
                    f.fencedOutputs(), f.duplicateCycles(), f.lostInputFrames(), f.altitudeDeviationM());
            double bound = "PROCESS_EXIT".equals(f.cause()) ? 2 * period : 4 * period;
            if (f.commandGapMs() > bound) {
                problems.add(String.format(Locale.ROOT, "#%d: command gap %.1f ms exceeds %.0f ms", i, f.commandGapMs(), bound));
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        for (FailoverReport.Failover f : failovers) {
            counts.merge(f.type(), 1L, Long::sum);
        }
        out.printf("totals: %s, fenced outputs at the board %s, duplicate cycles %s, lost input frames %s, max altitude deviation %s m, "
                        + "largest command gap of the flight %s ms%n", counts, figures.get("fencedOutputsTotal"),
                figures.get("duplicateCyclesTotal"), figures.get("lostInputFramesTotal"), figures.get("maxAltitudeDeviationM"),
                figures.get("maxCommandGapMs"));
        out.printf("client requests: %s seen, %s executed, %s acknowledgements, %s lost, %s duplicated%n",
                figures.get("requestsSeen"), figures.get("requestsExecuted"), figures.get("requestsAcked"),
                figures.get("requestsLost"), figures.get("requestsDuplicated"));
        for (String key : List.of("fencedOutputsTotal", "duplicateCyclesTotal", "lostInputFramesTotal", "requestsLost",
                "requestsDuplicated")) {
            if (((Number) figures.get(key)).longValue() != 0) {
                problems.add(key + " is " + figures.get(key));
            }
        }
        ok &= problems.isEmpty();
        out.println(ok ? "all checks passed" : "CHECKS FAILED: " + String.join("; ", problems));
        out.flush();
        return ok ? 0 : 2;
    }
}
