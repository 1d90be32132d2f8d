package io.pstr.manager.cli;

import io.pstr.manager.drill.DrillFlight;
import io.pstr.manager.drill.DrillMeasure;
import io.pstr.manager.drill.DrillSummary;
import io.pstr.manager.drill.FaultDrill;
import io.pstr.manager.drill.FaultKind;
import io.pstr.manager.journal.Journal;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pstr soak}: a long flight with faults of the matrix, one after the other, judged by the board's record. */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Flies a long mission on the virtual board and injects faults of the fault matrix one after the "
                + "other, each once the system is back to full redundancy: random ones (seeded; the seed is printed) for "
                + "--minutes, or each fault once in table order with --matrix. Ends with both replicas killed (board "
                + "failsafe, cold recovery, landing) unless --no-kill-both. Prints one line per fault as it goes, then a "
                + "summary per fault kind measured from the board's own record: command gap, detection, fenced outputs, "
                + "duplicated cycles, lost input frames, altitude deviation, return to full redundancy.",
                "Exit code 0 when every fault was handled with nothing stale, repeated or lost and the system came back to "
                        + "full redundancy, 2 when not, 1 on error."})
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "2", paramLabel = "N",
            description = "Inject random faults for this long (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the fault sequence (default: from the clock; always printed).")
    Long seed;

    @Option(names = "--matrix", description = "Inject each fault of the matrix once, in table order, instead of random ones.")
    boolean matrix;

    @Option(names = "--faults", split = ",", paramLabel = "KIND",
            description = "Faults to draw from (default: all but kill-both): ${COMPLETION-CANDIDATES}.",
            completionCandidates = KindNames.class)
    List<String> faults;

    @Option(names = "--no-kill-both", description = "Do not end with both replicas killed.")
    boolean noKillBoth;

    @Option(names = "--doc", paramLabel = "FILE", description = "Write the results as Markdown here: between the "
            + "'<!-- generated:begin -->' and '<!-- generated:end -->' lines of an existing document (e.g. docs/reliability.md), "
            + "or as the whole file.")
    Path doc;

    @Mixin
    VirtualBoardOptions boardOptions = new VirtualBoardOptions();

    @Option(names = "--recover-timeout-s", defaultValue = "60", paramLabel = "S",
            description = "Longest a fault may take to be handled and full redundancy restored (default ${DEFAULT-VALUE} s).")
    long recoverTimeoutS;

    @Mixin
    ManagerOptions options = new ManagerOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!(minutes > 0) || minutes > 24 * 60) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--minutes must be in (0, 1440]");
        }
        List<FaultKind> pool = pool();
        long actualSeed = seed != null ? seed : System.nanoTime();
        Random random = new Random(actualSeed);
        // Enough laps of the square (about 26 s each) that the mission never ends before the soak does.
        options.laps = Math.max(options.laps, (int) Math.min(10_000, minutes * 60 / 20 + 5 + (matrix ? 10 : 0)));
        Path dir = options.resolveRunDir("soak");
        List<String> boardArgs;
        try {
            boardArgs = boardOptions.boardArgs();
            options.validate(dir);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Files.createDirectories(dir);
        Journal journal = new Journal(dir.resolve("journal.jsonl"), System::nanoTime, System::currentTimeMillis);
        String mode = matrix ? "matrix (each fault once)" : String.format(Locale.ROOT, "%.1f min of random faults, seed %d", minutes, actualSeed);
        out.printf("pstr soak: %s, period %d ms, run directory %s%n", mode, options.periodMs, dir);
        out.flush();
        long startNs = System.nanoTime();
        List<DrillMeasure.Row> rows;
        try (DrillFlight flight = new DrillFlight(Classpaths.board(), dir,
                boardArgs, endpoint -> options.context(endpoint, dir, journal), TimeUnit.SECONDS.toNanos(recoverTimeoutS))) {
            flight.awaitCruising(TimeUnit.SECONDS.toNanos(600));
            out.printf("cruising; injecting faults%n");
            out.printf("%8s  %-12s %10s %8s %10s  %s%n", "t(s)", "fault", "detect ms", "changes", "recovery s", "back to redundancy");
            out.flush();
            long faultsFromNs = System.nanoTime();
            long endNs = faultsFromNs + (long) (minutes * 60e9);
            List<FaultKind> plan = new ArrayList<>(matrix ? pool : List.of());
            while (true) {
                FaultKind kind;
                if (matrix) {
                    if (plan.isEmpty()) {
                        break;
                    }
                    kind = plan.remove(0);
                } else {
                    if (System.nanoTime() >= endNs) {
                        break;
                    }
                    kind = pool.get(random.nextInt(pool.size()));
                }
                FaultDrill.Run run = flight.inject(kind, r -> printRun(out, faultsFromNs, r));
                if (!run.redundant()) {
                    out.printf("!! the system did not come back to full redundancy after %s: stopping%n", kind.label());
                    break;
                }
            }
            boolean allBack = flight.runs().stream().allMatch(FaultDrill.Run::redundant);
            if (!noKillBoth && allBack && !pool.contains(FaultKind.KILL_BOTH)) {
                flight.inject(FaultKind.KILL_BOTH, r -> printRun(out, faultsFromNs, r));
            }
            rows = flight.finish();
        }
        double wallS = (System.nanoTime() - startNs) / 1e9;
        List<DrillSummary.Line> summary = DrillSummary.of(rows);
        out.println();
        out.print(DrillSummary.markdown(summary, options.periodMs));
        boolean clean = rows.stream().allMatch(DrillMeasure.Row::clean);
        out.printf("%d faults in %.1f min; %s%n", rows.size(), wallS / 60,
                clean ? "every fault handled: nothing stale, repeated or lost, full redundancy after each"
                        : "NOT clean: see the rows above");
        if (doc != null) {
            writeDoc(rows, summary, actualSeed, wallS);
            out.printf("results written to %s%n", doc);
        }
        out.flush();
        return clean ? 0 : 2;
    }

    private List<FaultKind> pool() {
        if (faults == null || faults.isEmpty()) {
            List<FaultKind> all = new ArrayList<>(List.of(FaultKind.values()));
            all.remove(FaultKind.KILL_BOTH);
            return all;
        }
        EnumSet<FaultKind> chosen = EnumSet.noneOf(FaultKind.class);
        for (String f : faults) {
            try {
                chosen.add(FaultKind.fromLabel(f));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return new ArrayList<>(chosen);
    }

    private static void printRun(PrintWriter out, long originNs, FaultDrill.Run r) {
        out.printf(Locale.ROOT, "%8.1f  %-12s %10s %8d %10.1f  %s%n", (r.faultNs() - originNs) / 1e9, r.kind().label(),
                r.detectMs() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.detectMs()), r.holderChanges(),
                (r.endNs() - r.faultNs()) / 1e9, r.redundant() ? "yes" : "NO: " + r.note());
        out.flush();
    }

    private void writeDoc(List<DrillMeasure.Row> rows, List<DrillSummary.Line> summary, long actualSeed, double wallS)
            throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        // Paths relative to where it ran: a document names no machine's directories.
        // The original arguments start with the subcommand's name when it ran under ./pstr.
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("soak")) {
            args.remove(0);
        }
        String command = ("./pstr soak " + String.join(" ", args))
                .replace(Path.of("").toAbsolutePath() + java.io.File.separator, "");
        sb.append("## ").append(matrix ? "Fault matrix" : "Soak").append(" — generated by `").append(command).append("`\n\n");
        sb.append(String.format(Locale.ROOT, "Run %s on %s; control period %d ms (%d Hz); %d faults in %.1f min of flight%s.%n%n",
                Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", machine(), options.periodMs,
                1000 / options.periodMs, rows.size(), wallS / 60, matrix ? "" : "; seed " + actualSeed));
        sb.append("Per fault kind (gap and detection percentiles are nearest-rank over the faults of that kind):\n\n");
        sb.append(DrillSummary.markdown(summary, options.periodMs)).append('\n');
        sb.append("Every fault:\n\n").append(DrillSummary.markdownRows(rows, options.periodMs));
        Path parent = doc.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(doc, spliced(Files.exists(doc) ? Files.readString(doc) : null, sb.toString()), StandardCharsets.UTF_8);
    }

    static final String BEGIN = "<!-- generated:begin -->";
    static final String END = "<!-- generated:end -->";

    /** The generated text replaces what is between the markers of an existing document, or is the whole document. */
    static String spliced(String existing, String generated) {
        if (existing != null) {
            int begin = existing.indexOf(BEGIN);
            int end = existing.indexOf(END);
            if (begin >= 0 && end > begin) {
                return existing.substring(0, begin + BEGIN.length()) + "\n" + generated + existing.substring(end);
            }
        }
        return BEGIN + "\n" + generated + END + "\n";
    }

    /** Processor model and count, OS and Java: a figure never travels without its machine. */
    static String machine() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        return String.format(Locale.ROOT, "%s, %d cores, %s %s, Java %s", model, Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    }

    /** Completion and help: the fault kinds. */
    static final class KindNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(FaultKind.values()).map(FaultKind::label).iterator();
        }
    }
}
