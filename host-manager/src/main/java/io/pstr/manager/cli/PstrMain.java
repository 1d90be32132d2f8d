package io.pstr.manager.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pstr} command line. */
@Command(name = "pstr", mixinStandardHelpOptions = true, version = "pstr 0.1.0",
        description = "Primary-shadow flight-control failover (PSTR on an embedded virtualization system). Two replicas of the flight-control task share the board's serial link through the host manager; when the primary fails the shadow takes the I/O and the aircraft keeps flying.",
        subcommands = {DemoCommand.class, ManagerCommand.class, BoardCommand.class, StatusCommand.class,
                FaultCommand.class, EventsCommand.class, ReplayCommand.class, HilCommand.class, AbortCommand.class, SoakCommand.class,
                ReplicaHostCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  ./pstr demo                          fly the demo mission, kill and hang the primary",
                "  ./pstr demo --report r.json          the same, and write the failover figures as JSON",
                "  ./pstr board --link tcp-listen:5760  the virtual board alone",
                "  ./pstr manager --board tcp:127.0.0.1:5760",
                "  ./pstr status --watch                who holds the I/O, live",
                "  ./pstr fault kill-primary            SIGKILL the primary",
                "  ./pstr replay RUN/board.tlog         replay a recorded flight, compare outputs",
                "  ./pstr hil --board udp-listen:14540  PX4 SITL: checks, then fly if --arm",
                "  ./pstr abort                         land now (real boards: docs/hil.md)",
                "  ./pstr soak --minutes 30             a long flight through random faults, then a summary",
                "",
                "Run by the ./pstr script itself (see each one's --help):",
                "  ./pstr setup        install what tests and demos need (socat, Xvfb, fgfs)",
                "  ./pstr build        build everything; other commands build when needed",
                "  ./pstr test         setup, then every test (what CI runs)",
                "  ./pstr bench KIND   serial, failover, channel, jmh-channel: CSV + PNG figures",
                "  ./pstr ui           the ground station window",
                "  ./pstr fgfs         the FlightGear bridge"})
public final class PstrMain {

    private PstrMain() {
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new PstrMain());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }
}
