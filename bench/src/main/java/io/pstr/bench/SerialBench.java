package io.pstr.bench;

import io.dronefleet.mavlink.common.Attitude;
import io.dronefleet.mavlink.common.GpsFixType;
import io.dronefleet.mavlink.common.GpsRawInt;
import io.dronefleet.mavlink.common.HighresImu;
import io.dronefleet.mavlink.common.LocalPositionNed;
import io.dronefleet.mavlink.common.SetAttitudeTarget;
import io.dronefleet.mavlink.common.SetPositionTargetLocalNed;
import io.dronefleet.mavlink.common.SysStatus;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavType;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.FramedLink;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.link.SocatPty;
import io.pstr.core.link.UartEmulator;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.protocol.MessageTypes;
import io.pstr.core.protocol.Messages;
import io.pstr.core.rt.ThreadPriority;
import io.pstr.core.shm.Doorbell;
import io.pstr.core.shm.ReplicaFiles;
import io.pstr.core.shm.RingFile;
import io.pstr.core.shm.SharedFiles;
import io.pstr.manager.AircraftTelemetry;
import io.pstr.manager.Distributor;
import io.pstr.manager.PacedWriter;
import io.pstr.manager.RunningManager;
import io.pstr.manager.Slot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pstr bench serial}: the paper's Fig. 5 on a socat pty pair. A board sends PX4-like telemetry through
 * a UART emulator at the configured rate (a pty has no rate of its own); the host side reads the pty as a
 * serial port with the host manager's link layer, stamps and fans each frame out to two replica input rings
 * (its Distributor); two replica threads read their rings as the replica processes do (asleep on the ring's
 * doorbell, at most as long as a replica process on this host sleeps, when idle), at the priorities the host manager
 * gives the threads they stand for; replica A answers each control tick with a setpoint output, which the conductor thread hands to the
 * host manager's PacedWriter; the board reads it. Delays are counted beyond the wire time.
 */
@Command(name = "serial", mixinStandardHelpOptions = true,
        description = "Reproduces the paper's Fig. 5 on a socat pty pair: per-frame delay from the board's write to the replica's "
            + "read (in) and from the replica's write to the board's read (out), beyond the frames' wire time, for realistic "
            + "traffic (telemetry at MAVLink stream rates in, setpoints at the control rate out), then a short saturation phase "
            + "that measures the rate each direction really carries. Writes serial.csv, serial.png and serial.machine.txt.")
public final class SerialBench implements Callable<Integer> {

    static final List<String> HEADER = List.of("direction", "samples", "p50Us", "p99Us", "maxUs", "measuredBitsPerSec",
            "configuredBitsPerSec");
    private static final int MAX_IDS = 1 << 20;
    private static final int BITS_PER_BYTE = 10;

    @Option(names = "--quick", description = "A short run (10 s of traffic, 2 s of saturation) instead of 60 s + 5 s.")
    boolean quick;

    @Option(names = "--duration-s", paramLabel = "S", description = "Seconds of realistic traffic (default 60, or 10 with --quick).")
    Integer durationS;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "docs/bench", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--rate", paramLabel = "BIT/S", defaultValue = "115200", description = "Serial rate, 8N1 (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--control-hz", paramLabel = "HZ", defaultValue = "50", description = "Control rate: one setpoint output per cycle (default ${DEFAULT-VALUE}).")
    int controlHz;

    @Option(names = "--idle-us", paramLabel = "US", defaultValue = "200",
            description = "With --readers poll: how often the conductor and the replica threads wake to look (default "
                    + "${DEFAULT-VALUE} µs, the interval the host manager's conductor polled at before the doorbells). Not used "
                    + "with --readers doorbell, where the threads sleep as the real processes do: the conductor until its next "
                    + "tick or paced hand-over, at most " + RunningManager.CONDUCTOR_MAX_SLEEP_US + " µs, and less when replica A "
                    + "writes (as the host manager's); the replica threads on their input ring's doorbell, at most as long as "
                    + "the replica processes sleep on this host: " + ReplicaFiles.REPLICA_MAX_SLEEP_BOTH_US + " µs where they "
                    + "sleep on their input ring and channel endpoint at once (futex_waitv, Linux 5.16), else "
                    + ReplicaFiles.REPLICA_MAX_SLEEP_US + " µs; the input ring's doorbell wakes them either way.")
    long idleUs;

    /** How the replica threads wait for their input. */
    enum Readers { doorbell, poll }

    @Option(names = "--readers", paramLabel = "doorbell|poll", defaultValue = "doorbell",
            description = "doorbell: the replica threads sleep on their input ring's doorbell, which the fan-out rings, and "
                    + "the conductor on replica A's output ring's (as the real processes do); poll: they wake every --idle-us to "
                    + "look (the design before the doorbells). Default ${DEFAULT-VALUE}.")
    Readers readers;

    @Option(names = "--lead-us", paramLabel = "US", defaultValue = "1000",
            description = "How far ahead of a free wire the paced writer may hand over the next output, as the host manager "
                    + "does (default ${DEFAULT-VALUE} µs, a UART FIFO's worth).")
    long leadUs;

    @Option(names = "--priority", paramLabel = "auto|off", defaultValue = "auto",
            description = "The threads' scheduling priority, as the host manager and the replica processes set it: auto (the "
                    + "default, where the host allows it: root or CAP_SYS_NICE) raises the link threads, the board's UART, the "
                    + "conductor and the JVM's VM thread to nice " + ThreadPriority.LINK_NICE + " and the replica threads to nice "
                    + ThreadPriority.REPLICA_NICE + " (the floor probe's writer and reader as a link thread and a replica thread); "
                    + "off leaves every thread at normal priority. The bench's telemetry generator stays at normal priority.")
    String priority;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A telemetry stream: message maker and rate. */
    private record Stream(String name, int hz, java.util.function.LongFunction<Object> payload) {
    }

    private static final List<Stream> STREAMS = List.of(
            new Stream("HEARTBEAT", 1, id -> Heartbeat.builder().customMode(id).type(MavType.MAV_TYPE_QUADROTOR)
                    .autopilot(MavAutopilot.MAV_AUTOPILOT_PX4).mavlinkVersion(3).build()),
            new Stream("SYS_STATUS", 2, id -> SysStatus.builder().onboardControlSensorsPresent(io.dronefleet.mavlink.util.EnumValue.create((int) id)).voltageBattery(12_400)
                    .batteryRemaining(80).build()),
            new Stream("GPS_RAW_INT", 5, id -> GpsRawInt.builder().timeUsec(java.math.BigInteger.valueOf(id))
                    .fixType(GpsFixType.GPS_FIX_TYPE_3D_FIX).lat(473_977_420).lon(85_455_940).alt(488_000).satellitesVisible(12).build()),
            new Stream("HIGHRES_IMU", 20, id -> HighresImu.builder().timeUsec(java.math.BigInteger.valueOf(id)).xacc(0.1f)
                    .yacc(-0.2f).zacc(-9.81f).xgyro(0.01f).ygyro(0.02f).zgyro(0.03f).xmag(0.2f).ymag(0.1f).zmag(0.4f)
                    .absPressure(1013f).diffPressure(0.1f).pressureAlt(488f).temperature(25f).fieldsUpdated(io.dronefleet.mavlink.util.EnumValue.create(0x1FFF)).build()),
            new Stream("ATTITUDE", 50, id -> Attitude.builder().timeBootMs(id).roll(0.01f).pitch(-0.02f).yaw(1.5f)
                    .rollspeed(0.001f).pitchspeed(0.002f).yawspeed(0.003f).build()),
            new Stream("LOCAL_POSITION_NED", 50, id -> LocalPositionNed.builder().timeBootMs(id).x(1f).y(2f).z(-10f)
                    .vx(0.1f).vy(0.2f).vz(-0.1f).build()));

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (rate < 1200 || controlHz < 1 || controlHz > 500 || idleUs <= 0 || leadUs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rate must be >= 1200, --control-hz 1..500, --idle-us > 0 and --lead-us >= 0");
        }
        ThreadPriority.Mode priorityMode;
        try {
            priorityMode = ThreadPriority.Mode.parse(priority);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--priority: " + e.getMessage());
        }
        if (!SocatPty.isSocatInstalled()) {
            throw new IllegalStateException("socat is not installed: the serial bench runs on a socat pty pair (apt-get install socat)");
        }
        int trafficS = durationS != null ? durationS : quick ? 10 : 60;
        int saturationS = quick ? 2 : 5;
        if (trafficS < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration-s must be at least 1");
        }
        // The futex's native library loads now, as the host manager and the replicas load it, not on the first frame.
        io.pstr.core.shm.Doorbell.wakesSleepers();
        // As the host manager: its link threads raise themselves when they start, its conductor and VM thread are raised.
        ThreadPriority.processMode(priorityMode);
        boolean raised = ThreadPriority.applyToOwnVmThread(priorityMode, ThreadPriority.CONDUCTOR_NICE);
        Path work = Files.createTempDirectory("pstr-bench-serial");
        try {
            Run run = new Run(work, console, priorityMode);
            run.raised = raised;
            run.loadBefore = loadAverage();
            run.execute(trafficS, saturationS);
            run.loadAfter = loadAverage();
            return report(run, console);
        } finally {
            SharedFiles.deleteTree(work);
        }
    }

    /** One bench run: the board, the host link, the fan-out, two replica readers and the paced writer. */
    private final class Run {
        final Path work;
        final PrintWriter console;
        final MavlinkCodec codec = new MavlinkCodec();
        final long wireNsPerByte = BITS_PER_BYTE * 1_000_000_000L / rate;
        // In: per telemetry id, when the board handed its last byte to the pty, its length, and each replica's read.
        final AtomicLongArray inWriteNs = new AtomicLongArray(MAX_IDS);
        final AtomicLongArray inLength = new AtomicLongArray(MAX_IDS);
        final AtomicLongArray[] replicaReadNs = {new AtomicLongArray(MAX_IDS), new AtomicLongArray(MAX_IDS)};
        final AtomicLongArray hostLastNs = new AtomicLongArray(MAX_IDS);
        // Out: per cycle, when replica A wrote its output; per board-read frame: cycle, length, read time; per host
        // write to the pty: cycle, length, the time the write returned.
        final AtomicLongArray outWriteNs = new AtomicLongArray(MAX_IDS);
        final List<long[]> boardReads = new ArrayList<>();
        final List<long[]> hostWrites = new ArrayList<>();
        // The machine's floor in this run: one thread stamping and ringing a ring, another asleep on it as the replica
        // threads are; written by the probe's reader only, read once the runners are closed.
        final Histogram floor = new Histogram(3);
        volatile boolean probing = true;
        String loadBefore;
        String loadAfter;
        volatile boolean saturating;
        volatile long saturationStartNs = Long.MAX_VALUE;
        long startNs;
        long endTrafficNs;
        long nextId = 1;
        long queueDrops;
        final ThreadPriority.Mode priorityMode;
        // Whether every thread the bench raises was raised (false with --priority off or where the host refuses).
        volatile boolean raised;
        // The slice replica A's thread runs with once raised, ns (-1 where the kernel does not show it).
        volatile long replicaSliceNs = -1;

        Run(Path work, PrintWriter console, ThreadPriority.Mode priorityMode) {
            this.work = work;
            this.console = console;
            this.priorityMode = priorityMode;
        }

        /** Raises the calling thread to {@code nice} as the process it stands for raises it. */
        void raise(int nice, String what) {
            if (!ThreadPriority.applyToCurrentThread(priorityMode, nice, what)) {
                raised = false;
            }
        }

        void execute(int trafficS, int saturationS) throws Exception {
            try (SocatPty pty = SocatPty.create(work.resolve("pty"));
                 ByteLink boardLink = Links.open(Endpoint.parse("pty:" + pty.pathA() + ",silence-ms=0"));
                 FramedLink host = FramedLink.open(Endpoint.parse("serial:" + pty.pathB() + ":" + rate));
                 RingFile ringA = RingFile.create(SharedFiles.privateDirectory(work.resolve("A")).resolve("input.ring"), ReplicaFiles.INPUT_RING_BYTES);
                 RingFile ringB = RingFile.create(work.resolve("A").resolveSibling("B-input.ring"), ReplicaFiles.INPUT_RING_BYTES);
                 RingFile outA = RingFile.create(work.resolve("A").resolve("output.ring"), ReplicaFiles.OUTPUT_RING_BYTES);
                 RingFile probe = RingFile.create(work.resolve("probe.ring"), 1 << 12)) {
                AircraftTelemetry aircraft = new AircraftTelemetry();
                Distributor distributor = new Distributor();
                distributor.attach(Slot.A, ringA);
                distributor.attach(Slot.B, ringB);
                distributor.distributing(true, System.nanoTime());

                MavlinkFrameSplitter boardSplitter = new MavlinkFrameSplitter();
                boardLink.start(new LinkListener() {
                    @Override
                    public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                        boardSplitter.feed(buffer, offset, length, rxNs, (f, o, l, id) -> {
                            synchronized (boardReads) {
                                boardReads.add(new long[] {idOf(f, o, l), l, rxNs});
                            }
                        });
                    }
                });
                host.start((frame, offset, length, messageId, firstNs, lastNs) -> {
                    long id = idOf(frame, offset, length);
                    if (id > 0 && id < MAX_IDS) {
                        hostLastNs.set((int) id, lastNs);
                    }
                    distributor.frame(frame, offset, length, firstNs, lastNs);
                    // Then what the host manager's link thread does with board telemetry after the fan-out.
                    if (AircraftTelemetry.wanted(messageId)) {
                        aircraft.onFrame(frame, offset, length, lastNs);
                    }
                });
                UartEmulator uart = new UartEmulator(boardLink, rate, BITS_PER_BYTE, TimeUnit.MICROSECONDS.toNanos(500),
                        (id, length, idealStart, idealEnd, writeNs) -> {
                            inWriteNs.set(Math.toIntExact(id), writeNs);
                            inLength.set(Math.toIntExact(id), length);
                        }).start();
                waitUntil(() -> boardLink.isUp() && host.isUp(), TimeUnit.SECONDS.toNanos(5), "the pty pair did not open");

                List<AgentRunner> runners = new ArrayList<>();
                long idleNs = TimeUnit.MICROSECONDS.toNanos(idleUs);
                runners.add(start(new ReplicaReader(0, ringA, outA), readerIdle(ringA)));
                runners.add(start(new ReplicaReader(1, ringB, null), readerIdle(ringB)));
                PacedWriter writer = new PacedWriter((bytes, offset, length, nowNs) -> {
                    int n = host.write(bytes, offset, length, nowNs);
                    long wroteNs = System.nanoTime();
                    synchronized (hostWrites) {
                        hostWrites.add(new long[] {idOf(bytes, offset, length), length, wroteNs});
                    }
                    return n;
                }, rate, BITS_PER_BYTE, (slot, epoch) -> false).lead(TimeUnit.MICROSECONDS.toNanos(leadUs));
                Conductor conductor = new Conductor(distributor, writer, outA);
                // As the host manager's: until the next tick or hand-over, less when replica A writes (--readers poll: a poll).
                long capNs = TimeUnit.MICROSECONDS.toNanos(RunningManager.CONDUCTOR_MAX_SLEEP_US);
                runners.add(start(conductor, readers == Readers.doorbell
                        ? Doorbell.idleStrategy(1, () -> conductor.sleepBudgetNs(capNs), outA::prepareAndLook)
                        : new SleepingIdleStrategy(idleNs)));
                runners.add(start(new FloorReader(probe), readerIdle(probe)));
                Thread prober = new Thread(() -> probeFloor(probe), "bench-floor-probe");
                prober.setDaemon(true);
                prober.start();

                ScheduledExecutorService telemetry = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-telemetry");
                    t.setDaemon(true);
                    return t;
                });
                startNs = System.nanoTime();
                long[] nextDue = new long[STREAMS.size()];
                java.util.Arrays.fill(nextDue, startNs);
                int[] sequence = {0};
                telemetry.scheduleAtFixedRate(() -> {
                    long now = System.nanoTime();
                    if (saturating) {
                        while (uart.backlogBytes() < 4000) {
                            submit(uart, STREAMS.get(4), sequence);
                        }
                        return;
                    }
                    for (int i = 0; i < STREAMS.size(); i++) {
                        while (now >= nextDue[i]) {
                            submit(uart, STREAMS.get(i), sequence);
                            nextDue[i] += 1_000_000_000L / STREAMS.get(i).hz();
                        }
                    }
                }, 0, 5, TimeUnit.MILLISECONDS);

                long trafficEnd = startNs + TimeUnit.SECONDS.toNanos(trafficS);
                progress(trafficEnd, "realistic traffic");
                endTrafficNs = System.nanoTime();
                probing = false;
                saturationStartNs = endTrafficNs + TimeUnit.MILLISECONDS.toNanos(200);
                saturating = true;
                conductor.saturate = true;
                progress(endTrafficNs + TimeUnit.SECONDS.toNanos(saturationS), "saturation");
                saturating = false;
                conductor.saturate = false;
                conductor.stopOutputs = true;
                telemetry.shutdownNow();
                long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                waitUntil(() -> uart.backlogBytes() == 0 && writer.queued() == 0, drainUntil - System.nanoTime(), null);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
                queueDrops = writer.queueDrops();
                for (AgentRunner r : runners) {
                    r.close();
                }
                uart.close();
                console.printf(Locale.ROOT, "link counters: in %d frames, crc %d, skipped %d B, gaps %d; out %d frames, refused %d B%n",
                        host.framesIn(), host.frameCounters().crcErrors(), host.frameCounters().bytesSkipped(),
                        host.frameCounters().sequenceGaps(), host.framesOut(), host.byteCounters().bytesUnwritable.get());
            }
        }

        private void submit(UartEmulator uart, Stream s, int[] sequence) {
            long id = nextId++;
            if (id >= MAX_IDS) {
                return;
            }
            uart.submit(id, codec.encodeV2(s.payload().apply(id), 1, 1, sequence[0]++));
        }

        private void progress(long untilNs, String what) {
            long nextPrint = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now >= untilNs) {
                    return;
                }
                if (now >= nextPrint) {
                    console.printf(Locale.ROOT, "%s: %d s left%n", what, TimeUnit.NANOSECONDS.toSeconds(untilNs - now + 999_999_999));
                    console.flush();
                    nextPrint = now + TimeUnit.SECONDS.toNanos(10);
                }
                LockSupport.parkNanos(Math.min(untilNs - now, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }

        /**
         * The floor probe's writer: every 1–2 ms (uneven, so as not to lock onto the traffic) stamps the time into the
         * probe ring and rings its doorbell, as the fan-out does for a frame, with nothing else to do.
         */
        private void probeFloor(RingFile probe) {
            UnsafeBuffer stamp = new UnsafeBuffer(new byte[8]);
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            raise(ThreadPriority.LINK_NICE, "bench floor probe's writer");
            while (probing) {
                // The probe's own pacing: it is the load here, not a wait for something.
                LockSupport.parkNanos(1_000_000 + random.nextInt(1_000_000));
                stamp.putLong(0, System.nanoTime());
                if (probe.ring().write(MessageTypes.TICK, stamp, 0, 8)) {
                    probe.doorbell().ring();
                }
            }
        }

        /** The floor probe's reader: how long after its stamp each probe message was read. */
        private final class FloorReader implements Agent {
            final RingFile probe;

            FloorReader(RingFile probe) {
                this.probe = probe;
            }

            @Override
            public void onStart() {
                raise(ThreadPriority.REPLICA_NICE, roleName());
            }

            @Override
            public int doWork() {
                return probe.ring().read((type, buffer, index, length) -> floor.recordValue(Math.max(0,
                        System.nanoTime() - buffer.getLong(index))), 16);
            }

            @Override
            public String roleName() {
                return "bench-floor";
            }
        }

        /** A replica's input reader: the replica process's loop, timing each frame it reads. */
        private final class ReplicaReader implements Agent {
            final int index;
            final RingFile input;
            final RingFile output;
            final Messages messages = new Messages();
            long sequence;

            ReplicaReader(int index, RingFile input, RingFile output) {
                this.index = index;
                this.input = input;
                this.output = output;
            }

            @Override
            public void onStart() {
                raise(ThreadPriority.REPLICA_NICE, roleName());
                if (index == 0) {
                    replicaSliceNs = ThreadPriority.sliceOf(0);
                }
            }

            @Override
            public int doWork() {
                return input.ring().read(this::onMessage, 256);
            }

            private void onMessage(int type, org.agrona.MutableDirectBuffer buffer, int index0, int length) {
                long now = System.nanoTime();
                if (type == MessageTypes.FRAME) {
                    int frameAt = index0 + Messages.FRAME_BYTES;
                    long id = idOf(buffer, frameAt, length - Messages.FRAME_BYTES);
                    if (id > 0 && id < MAX_IDS) {
                        replicaReadNs[index].set((int) id, now);
                    }
                } else if (type == MessageTypes.TICK && output != null) {
                    long cycle = buffer.getLong(index0 + Messages.TICK_CYCLE);
                    boolean saturate = buffer.getInt(index0 + Messages.TICK_PERIOD_MS) < 0;
                    writeOutput(cycle, saturate ? 3 : 1);
                }
            }

            /** The cycle's setpoints (an attitude and a position target, repeated when saturating), stamped when written. */
            private void writeOutput(long cycle, int repeat) {
                UnsafeBuffer scratch = messages.scratch();
                int at = Messages.OUTPUT_FRAMES;
                for (int i = 0; i < repeat; i++) {
                    byte[] attitude = codec.encodeV2(SetAttitudeTarget.builder().timeBootMs(cycle).targetSystem(1).targetComponent(1)
                            .q(List.of(1f, 0f, 0f, 0f)).thrust(0.5f).build(), 255, 190, (int) sequence++);
                    byte[] position = codec.encodeV2(SetPositionTargetLocalNed.builder().timeBootMs(cycle).targetSystem(1)
                            .targetComponent(1).x(1f).y(2f).z(-10f).yaw(1.5f).build(), 255, 190, (int) sequence++);
                    scratch.putBytes(at, attitude);
                    at += attitude.length;
                    scratch.putBytes(at, position);
                    at += position.length;
                }
                if (cycle < MAX_IDS) {
                    outWriteNs.set((int) cycle, System.nanoTime());
                }
                if (messages.output(output.ring(), cycle, 0, 0, 0, true, 0, at - Messages.OUTPUT_FRAMES)) {
                    output.doorbell().ring(); // as the replica does: the conductor sleeps on it
                }
            }

            @Override
            public String roleName() {
                return "bench-replica-" + index;
            }
        }

        /** The host manager's conductor, cut down: ticks the cycle, reads replica A's outputs and paces them out. */
        private final class Conductor implements Agent {
            final Distributor distributor;
            final PacedWriter writer;
            final RingFile outputs;
            final long periodNs = 1_000_000_000L / controlHz;
            long nextTickNs = System.nanoTime() + periodNs;
            long cycle;
            volatile boolean saturate;
            volatile boolean stopOutputs;

            Conductor(Distributor distributor, PacedWriter writer, RingFile outputs) {
                this.distributor = distributor;
                this.writer = writer;
                this.outputs = outputs;
            }

            @Override
            public void onStart() {
                raise(ThreadPriority.CONDUCTOR_NICE, roleName());
            }

            @Override
            public int doWork() {
                long now = System.nanoTime();
                int work = 0;
                if (now >= nextTickNs && !stopOutputs) {
                    cycle++;
                    // A negative period tells the bench replica to write a saturating output.
                    distributor.tick(cycle, now, saturate ? -1 : 1000 / controlHz);
                    nextTickNs += periodNs;
                    work++;
                }
                work += outputs.ring().read((type, buffer, index, length) -> {
                    if (type == MessageTypes.OUTPUT) {
                        writer.offer(buffer.getLong(index + Messages.OUTPUT_CYCLE), Slot.A, 0, buffer,
                                index + Messages.OUTPUT_FRAMES, length - Messages.OUTPUT_FRAMES, System.nanoTime());
                    }
                }, 64);
                work += writer.poll(System.nanoTime());
                return work;
            }

            /** As the host manager's: until the next tick or the paced writer's next hand-over, at most {@code capNs}. */
            long sleepBudgetNs(long capNs) {
                long now = System.nanoTime();
                long until = now + capNs;
                if (!stopOutputs) {
                    until = Math.min(until, nextTickNs);
                }
                until = Math.min(until, writer.nextHandOverNs());
                return Math.max(0, until - now);
            }

            @Override
            public String roleName() {
                return "bench-conductor";
            }
        }

        /** How a replica thread (and the floor probe's reader, its stand-in) waits: as the replica processes do, or polling. */
        private org.agrona.concurrent.IdleStrategy readerIdle(RingFile ring) {
            return readers == Readers.doorbell
                    ? ring.idleStrategy(TimeUnit.MICROSECONDS.toNanos(ReplicaFiles.replicaMaxSleepUs()))
                    : new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(idleUs));
        }

        private AgentRunner start(Agent agent, org.agrona.concurrent.IdleStrategy idle) {
            AgentRunner r = new AgentRunner(idle, e -> console.println("bench thread failed: " + e), null, agent);
            AgentRunner.startOnThread(r);
            return r;
        }
    }

    /** The 32-bit id the bench writes into the first payload field of every frame it sends. */
    static long idOf(byte[] frame, int offset, int length) {
        long id = 0;
        for (int i = 0; i < 4; i++) {
            int at = offset + 10 + i;
            if (at < offset + length - 2) {
                id |= (long) (frame[at] & 0xFF) << (8 * i);
            }
        }
        return id;
    }

    static long idOf(DirectBuffer buffer, int offset, int length) {
        byte[] head = new byte[Math.min(length, 16)];
        buffer.getBytes(offset, head);
        return idOf(head, 0, length > 16 ? 18 : length);
    }

    private int report(Run run, PrintWriter console) throws IOException {
        // In: each replica's read of each telemetry frame, beyond the moment the board handed its last byte to the pty;
        // split at the host link's stamp of that last byte into the pty's delivery (in-link) and the host's share (in-host).
        Histogram in = new Histogram(3);
        Histogram inLink = new Histogram(3);
        Histogram inHost = new Histogram(3);
        List<double[]> inPoints = new ArrayList<>();
        List<long[]> satIn = new ArrayList<>();
        for (int id = 1; id < MAX_IDS; id++) {
            long w = run.inWriteNs.get(id);
            if (w == 0) {
                continue;
            }
            if (w >= run.saturationStartNs) {
                long h = run.hostLastNs.get(id);
                if (h > 0) {
                    satIn.add(new long[] {h, run.inLength.get(id)});
                }
                continue;
            }
            if (w > run.endTrafficNs) {
                continue;
            }
            long hostNs = run.hostLastNs.get(id);
            if (hostNs > 0) {
                inLink.recordValue(Math.max(0, hostNs - w));
            }
            for (AtomicLongArray reads : run.replicaReadNs) {
                long r = reads.get(id);
                if (r > 0) {
                    long d = Math.max(0, r - w);
                    in.recordValue(d);
                    inPoints.add(new double[] {(w - run.startNs) / 1e9, d / 1e3});
                    if (hostNs > 0) {
                        inHost.recordValue(Math.max(0, r - hostNs));
                    }
                }
            }
        }
        // Out: the queue model at the board's reads: what the host added beyond a host that adds nothing.
        Histogram outHist = new Histogram(3);
        List<double[]> outPoints = new ArrayList<>();
        List<long[]> reads;
        synchronized (run.boardReads) {
            reads = new ArrayList<>(run.boardReads);
        }
        List<long[]> satOut = new ArrayList<>();
        queueModel(run, reads, (written, arrival, length, added) -> {
            if (written >= run.saturationStartNs) {
                satOut.add(new long[] {arrival, length});
            } else if (written <= run.endTrafficNs) {
                outHist.recordValue(added);
                outPoints.add(new double[] {(written - run.startNs) / 1e9, added / 1e3});
            }
        });
        // Out-host: the same queue model with the host's hand-over to the pty (the write's return) in place of the board's
        // read: what the conductor, the paced writer and the link added, without the pty's delivery to the board.
        Histogram outHost = new Histogram(3);
        List<long[]> writes;
        synchronized (run.hostWrites) {
            writes = new ArrayList<>(run.hostWrites);
        }
        queueModel(run, writes, (written, arrival, length, added) -> {
            if (written < run.saturationStartNs && written <= run.endTrafficNs) {
                outHost.recordValue(added);
            }
        });
        double inRate = measuredRate(satIn);
        double outRate = measuredRate(satOut);
        List<List<?>> rows = List.of(row("in", in, inRate), row("out", outHist, outRate), row("in-link", inLink, inRate),
                row("in-host", inHost, inRate), row("out-host", outHost, outRate), row("floor-wake", run.floor, 0));
        FigureWriter figures = new FigureWriter(out, Machine.current());
        Path csv = figures.csv("serial", HEADER, rows);
        inPoints.sort(Comparator.comparingDouble(p -> p[0]));
        outPoints.sort(Comparator.comparingDouble(p -> p[0]));
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("in: board write to replica read (both replicas)", inPoints.toArray(new double[0][]));
        series.put("out: replica write to board read", outPoints.toArray(new double[0][]));
        Path png = figures.lineChart("serial", "Per-frame delay beyond wire time on a pty at " + rate + " bit/s",
                "time (s)", "delay beyond wire time (µs)", series);

        console.printf(Locale.ROOT, "%n%-9s %8s %8s %8s %8s %18s %20s%n", (Object[]) HEADER.toArray(new String[0]));
        for (List<?> r : rows) {
            console.printf(Locale.ROOT, "%-9s %8s %8s %8s %8s %18s %20s%n", r.toArray());
        }
        boolean rateOk = Math.abs(outRate - rate) <= 0.01 * rate;
        boolean delayOk = inHost.getValueAtPercentile(99) <= 100_000 && outHost.getValueAtPercentile(99) <= 100_000;
        console.println();
        console.println(GoalLine.of("paced output within 1 % of " + rate + " bit/s", rateOk,
                String.format(Locale.ROOT, "%.0f bit/s, %+.2f %%", outRate, 100.0 * (outRate - rate) / rate)));
        console.println(GoalLine.of("host adds p99 <= 100 us beyond wire time", delayOk, String.format(Locale.ROOT,
                "in-host p99 %d us, out-host p99 %d us", inHost.getValueAtPercentile(99) / 1000, outHost.getValueAtPercentile(99) / 1000)));
        console.printf(Locale.ROOT, "board to replica and back, with the pty's own delivery: in p99 %d us (of which the pty and "
                + "the link's read, in-link: p99 %d us), out p99 %d us; replica threads: %s%n", in.getValueAtPercentile(99) / 1000,
                inLink.getValueAtPercentile(99) / 1000, outHist.getValueAtPercentile(99) / 1000, readers);
        console.printf(Locale.ROOT, "the machine's floor in this run (floor-wake: a stamp written to a ring, read by a thread asleep "
                + "on it): p50 %d us, p99 %d us%n", run.floor.getValueAtPercentile(50) / 1000, run.floor.getValueAtPercentile(99) / 1000);
        console.printf(Locale.ROOT, "output queue drops during saturation: %d%n", run.queueDrops);
        String load = String.format(Locale.ROOT, "load average (1, 5, 15 min) before: %s, after: %s; nice %s; %d s traffic, %s",
                run.loadBefore, run.loadAfter, ThreadPriority.baselineNice(), TimeUnit.NANOSECONDS.toSeconds(run.endTrafficNs - run.startNs),
                (quick ? "--quick" : "full run") + ", --readers " + readers
                        + (readers == Readers.doorbell ? " (replica threads asleep at most " + ReplicaFiles.replicaMaxSleepUs() + " us)" : "")
                        + ", --priority " + priority
                        + (run.priorityMode == ThreadPriority.Mode.OFF ? "" : run.raised ? " (raised)" : " (not allowed here: normal priority)")
                        + (run.replicaSliceNs > 0 ? ", replica threads' slice " + run.replicaSliceNs / 1000 + " us" : ""));
        Path machineFile = figures.describeRun("serial", load);
        console.println(load);
        console.printf("wrote %s, %s and %s%n", csv, png, machineFile);
        console.flush();
        return 0;
    }

    /** One output as the queue model sees it: the replica's write, its arrival, its length and what the host added. */
    private interface QueueSample {
        void accept(long writtenNs, long arrivalNs, long length, long addedNs);
    }

    /**
     * The UART queue model for outputs {cycle, length, arrival} in arrival order: a real UART finishes output j at
     * max(arrival_j, end_{j-1}) + wire_j, a host that adds nothing at max(replicaWrite_j, idealEnd_{j-1}) + wire_j;
     * the difference is what the host added. Outputs of unknown cycles are skipped.
     */
    private static void queueModel(Run run, List<long[]> outputs, QueueSample sample) {
        long realEnd = Long.MIN_VALUE;
        long idealEnd = Long.MIN_VALUE;
        for (long[] o : outputs) {
            long cycle = o[0];
            long written = cycle > 0 && cycle < MAX_IDS ? run.outWriteNs.get((int) cycle) : 0;
            if (written == 0) {
                continue;
            }
            long wire = o[1] * run.wireNsPerByte;
            realEnd = Math.max(o[2], realEnd) + wire;
            idealEnd = Math.max(written, idealEnd) + wire;
            sample.accept(written, o[2], o[1], Math.max(0, realEnd - idealEnd));
        }
    }

    private List<Object> row(String direction, Histogram h, double measured) {
        return List.of(direction, h.getTotalCount(), h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(99) / 1000,
                h.getMaxValue() / 1000, Math.round(measured), rate);
    }

    /**
     * The rate the wire really carried while the sender was saturated: the bits of the frames that arrived from
     * the first counted arrival up to (not including) the last arrival time, over that span. The first tenth is
     * left out while the queues fill.
     */
    private static double measuredRate(List<long[]> arrivals) {
        if (arrivals.size() < 3) {
            return 0;
        }
        arrivals.sort(Comparator.comparingLong(a -> a[0]));
        long firstNs = arrivals.get(arrivals.size() / 10)[0];
        long lastNs = arrivals.get(arrivals.size() - 1)[0];
        long bits = 0;
        for (long[] a : arrivals) {
            if (a[0] >= firstNs && a[0] < lastNs) {
                bits += a[1] * BITS_PER_BYTE;
            }
        }
        return lastNs <= firstNs ? 0 : bits * 1e9 / (lastNs - firstNs);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, long timeoutNs, String failure) {
        long deadline = System.nanoTime() + timeoutNs;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** The first three fields of /proc/loadavg: a busy machine shows in the figures, so it goes with them. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
