package io.pstr.manager;

import io.dronefleet.mavlink.common.AutopilotVersion;
import io.dronefleet.mavlink.common.CommandLong;
import io.dronefleet.mavlink.common.MavCmd;
import io.dronefleet.mavlink.common.MavParamType;
import io.dronefleet.mavlink.common.MavProtocolCapability;
import io.dronefleet.mavlink.common.ParamRequestRead;
import io.dronefleet.mavlink.common.ParamValue;
import io.dronefleet.mavlink.minimal.Heartbeat;
import io.dronefleet.mavlink.minimal.MavAutopilot;
import io.dronefleet.mavlink.minimal.MavState;
import io.dronefleet.mavlink.minimal.MavType;
import io.dronefleet.mavlink.util.EnumValue;
import io.pstr.core.link.ByteLink;
import io.pstr.core.link.Endpoint;
import io.pstr.core.link.LinkListener;
import io.pstr.core.link.Links;
import io.pstr.core.mavlink.AutopilotParams;
import io.pstr.core.mavlink.CompanionHeartbeat;
import io.pstr.core.mavlink.MavlinkCodec;
import io.pstr.core.mavlink.MavlinkFrameSplitter;
import io.pstr.core.tlog.Tlog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;

/**
 * The checks before the system flies a real board: a heartbeat from an autopilot, the autopilot is PX4 or
 * ArduPilot, the board is disarmed, it takes attitude setpoints from a companion (PX4 offboard, ArduPilot
 * guided: AUTOPILOT_VERSION's SET_ATTITUDE_TARGET capability), and its offboard-loss timeout (PX4
 * COM_OF_LOSS_T, ArduPilot GUID_TIMEOUT), read with PARAM_REQUEST_READ; on PX4 what it then does (COM_OBL_RC_ACT, and
 * NAV_RCL_ACT where that needs an RC link); on ArduPilot that GUID_OPTIONS has bit 3 set, without which ArduCopter
 * reads the setpoints' thrust as a climb rate. Talks to the board on its own
 * link, closed before the host manager opens it. Never arms anything.
 */
public final class PreflightCheck {

    public enum Verdict { PASS, WARN, FAIL, INFO }

    /** One line of the table. */
    public record Item(String check, Verdict verdict, String detail) {
    }

    /** The table; {@link #passed()} when nothing failed. */
    public record Report(List<Item> items) {
        public boolean passed() {
            return items.stream().noneMatch(i -> i.verdict() == Verdict.FAIL);
        }

        public Item item(String check) {
            return items.stream().filter(i -> i.check().equals(check)).findFirst().orElse(null);
        }

        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %-6s %s%n", "check", "result", "detail"));
            for (Item i : items) {
                sb.append(String.format(Locale.ROOT, "%-22s %-6s %s%n", i.check(), i.verdict(), i.detail()));
            }
            return sb.toString();
        }
    }

    public static final String HEARTBEAT = "heartbeat";
    public static final String AUTOPILOT = "autopilot";
    public static final String VEHICLE = "vehicle type";
    public static final String ARMED = "armed state";
    public static final String OFFBOARD = "offboard/guided mode";
    public static final String LOSS_TIMEOUT = "offboard-loss timeout";
    public static final String LOSS_ACTION = "offboard-loss action";
    public static final String THRUST = "setpoint thrust";
    public static final String ARMING = "arming";
    public static final String LINK = "link";
    static final int MSG_HEARTBEAT = 0;
    static final int MSG_PARAM_VALUE = 22;
    static final int MSG_AUTOPILOT_VERSION = 148;
    static final int CMD_REQUEST_MESSAGE = 512;
    static final int CMD_REQUEST_AUTOPILOT_CAPABILITIES = 520;
    /** Beyond this the aircraft flies on its last setpoint for long after the host stops: worth a warning. */
    static final double LONG_LOSS_TIMEOUT_S = 2.0;

    /** Settings, validated by {@link #conclude()}. */
    public static final class Context {
        public Endpoint board;
        public long heartbeatTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        public long answerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(1500);
        public int attempts = 3;
        public boolean armRequested;
        public NanoClock clock = System::nanoTime;
        public IdleStrategy idle = new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));

        public Context conclude() {
            if (board == null) {
                throw new IllegalArgumentException("no board endpoint, e.g. --board serial:/dev/ttyACM0:921600");
            }
            if (heartbeatTimeoutNs <= 0 || answerTimeoutNs <= 0 || attempts < 1) {
                throw new IllegalArgumentException("pre-flight timeouts must be positive and attempts at least 1");
            }
            return this;
        }
    }

    private final Context ctx;
    private final MavlinkCodec codec = new MavlinkCodec();
    private final MavlinkFrameSplitter splitter = new MavlinkFrameSplitter();
    private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private ByteLink link;
    /** Whether the link ever opened (from the link's thread). */
    private volatile boolean linkEverUp;
    private int sequence;
    private long nextOwnHeartbeatNs;
    private int boardSystem;
    private int boardComponent;

    public PreflightCheck(Context context) {
        this.ctx = context.conclude();
    }

    public Report run() {
        List<Item> items = new ArrayList<>();
        link = Links.open(ctx.board);
        try {
            link.start(new LinkListener() {
                @Override
                public void onBytes(byte[] buffer, int offset, int length, long rxNs) {
                    splitter.feed(buffer, offset, length, (f, o, l, id) -> frames.add(Arrays.copyOfRange(f, o, o + l)));
                }

                @Override
                public void onUp(String description) {
                    linkEverUp = true;
                }
            });
            check(items);
        } finally {
            link.close();
        }
        items.add(new Item(LINK, splitter.counters().crcErrors() == 0 ? Verdict.INFO : Verdict.WARN,
                ctx.board + ": " + splitter.counters()));
        return new Report(items);
    }

    /** The likeliest cause when no autopilot heartbeat came, from what the link saw. */
    private String noHeartbeatHint() {
        if (!linkEverUp && link.lastOpenFailure() != null) {
            return "the link never opened: " + link.lastOpenFailure();
        }
        if (link.counters().bytesIn.get() == 0) {
            return "check the wiring, the port, and that the board's MAVLink instance runs there";
        }
        if (splitter.counters().framesOk() == 0) {
            return "no MAVLink frame in them: check the baud rate, and that the port speaks MAVLink (not a console or GPS)";
        }
        return splitter.counters().framesOk() + " MAVLink frames but no heartbeat from an autopilot: is this a ground "
                + "station's or a radio's link, or is the board still booting?";
    }

    private void check(List<Item> items) {
        Heartbeat hb = await(ctx.heartbeatTimeoutNs, f -> {
            if (MavlinkCodec.messageIdOf(f, 0) != MSG_HEARTBEAT) {
                return false;
            }
            Object p = decode(f);
            return p instanceof Heartbeat h && h.autopilot() != null && h.autopilot().entry() != MavAutopilot.MAV_AUTOPILOT_INVALID;
        }, Heartbeat.class, null);
        if (hb == null) {
            items.add(new Item(HEARTBEAT, Verdict.FAIL, "no autopilot heartbeat within "
                    + TimeUnit.NANOSECONDS.toMillis(ctx.heartbeatTimeoutNs) + " ms (" + link.counters().bytesIn.get()
                    + " bytes received): " + noHeartbeatHint()));
            for (String c : List.of(AUTOPILOT, ARMED, OFFBOARD, LOSS_TIMEOUT, THRUST)) {
                items.add(new Item(c, Verdict.FAIL, "not checked: no heartbeat"));
            }
            return;
        }
        items.add(new Item(HEARTBEAT, Verdict.PASS, "system " + boardSystem + ", component " + boardComponent
                + ", status " + name(hb.systemStatus(), MavState.class)));
        boolean px4 = hb.autopilot().entry() == MavAutopilot.MAV_AUTOPILOT_PX4;
        boolean ardupilot = hb.autopilot().entry() == MavAutopilot.MAV_AUTOPILOT_ARDUPILOTMEGA;
        items.add(new Item(AUTOPILOT, px4 || ardupilot ? Verdict.PASS : Verdict.FAIL, px4 ? "PX4" : ardupilot ? "ArduPilot"
                : name(hb.autopilot(), MavAutopilot.class) + ": only PX4 and ArduPilot are supported"));
        MavType type = hb.type() == null ? null : hb.type().entry();
        boolean multirotor = type == MavType.MAV_TYPE_QUADROTOR || type == MavType.MAV_TYPE_HEXAROTOR
                || type == MavType.MAV_TYPE_OCTOROTOR || type == MavType.MAV_TYPE_TRICOPTER;
        items.add(new Item(VEHICLE, multirotor ? Verdict.INFO : Verdict.WARN, name(hb.type(), MavType.class)
                + (multirotor ? "" : ": the flight task is written for a multirotor")));
        int baseMode = hb.baseMode() == null ? 0 : hb.baseMode().value();
        boolean armed = (baseMode & 128) != 0;
        items.add(new Item(ARMED, armed ? Verdict.FAIL : Verdict.PASS, armed
                ? "ARMED: disarm the board before starting the system" : "disarmed"));

        String mode = px4 ? "offboard (PX4)" : ardupilot ? "guided (ArduPilot)" : "offboard/guided";
        AutopilotVersion version = null;
        for (int cmd : new int[] {CMD_REQUEST_MESSAGE, CMD_REQUEST_AUTOPILOT_CAPABILITIES}) {
            for (int attempt = 0; attempt < ctx.attempts && version == null; attempt++) {
                send(CommandLong.builder().targetSystem(boardSystem).targetComponent(boardComponent)
                        .command(EnumValue.create(MavCmd.class, cmd)).confirmation(attempt)
                        .param1(cmd == CMD_REQUEST_MESSAGE ? MSG_AUTOPILOT_VERSION : 1).build());
                version = await(ctx.answerTimeoutNs, f -> MavlinkCodec.messageIdOf(f, 0) == MSG_AUTOPILOT_VERSION,
                        AutopilotVersion.class, null);
            }
            if (version != null) {
                break;
            }
        }
        if (version == null) {
            items.add(new Item(OFFBOARD, Verdict.FAIL, "no AUTOPILOT_VERSION answer: cannot tell whether " + mode
                    + " takes attitude setpoints"));
        } else {
            boolean attitude = version.capabilities() != null
                    && version.capabilities().flagsEnabled(MavProtocolCapability.MAV_PROTOCOL_CAPABILITY_SET_ATTITUDE_TARGET);
            boolean custom = (baseMode & 1) != 0;
            items.add(new Item(OFFBOARD, attitude && custom ? Verdict.PASS : Verdict.FAIL, attitude && custom
                    ? mode + " available: the board takes SET_ATTITUDE_TARGET and custom modes"
                    : mode + " not available: " + (attitude ? "" : "no SET_ATTITUDE_TARGET capability ")
                            + (custom ? "" : "no custom modes in the heartbeat")));
        }

        String param = ardupilot ? AutopilotParams.GUID_TIMEOUT : AutopilotParams.COM_OF_LOSS_T;
        ParamValue value = readParam(param);
        if (value == null) {
            items.add(new Item(LOSS_TIMEOUT, Verdict.FAIL, param + " not answered after " + ctx.attempts
                    + " PARAM_REQUEST_READs: the board's failsafe after the host stops is unknown"));
        } else {
            float s = value.paramValue();
            String then = ardupilot ? "levels out and holds its altitude in GUIDED" : "starts its own failsafe";
            items.add(new Item(LOSS_TIMEOUT, !Float.isFinite(s) || s <= 0 ? Verdict.FAIL : s > LONG_LOSS_TIMEOUT_S ? Verdict.WARN
                    : Verdict.PASS, String.format(Locale.ROOT, "%s = %.2f s: the board %s %.2f s after setpoints stop%s", param,
                    s, then, s, s > LONG_LOSS_TIMEOUT_S ? " (long: consider 0.5 s)" : "")));
        }
        if (px4) {
            ParamValue actionParam = readParam(AutopilotParams.COM_OBL_RC_ACT);
            Integer action = actionParam == null ? null : px4Int(actionParam);
            Px4Failsafe onLoss = Px4Failsafe.of(Px4Failsafe.OFFBOARD_LOSS, action);
            ParamValue rcLoss = onLoss != null && onLoss.needsRcLink() ? readParam(AutopilotParams.NAV_RCL_ACT) : null;
            items.add(lossAction(action, rcLoss == null ? null : px4Int(rcLoss)));
        }
        if (ardupilot) {
            ParamValue options = readParam(AutopilotParams.GUID_OPTIONS);
            if (options == null) {
                items.add(new Item(THRUST, Verdict.FAIL, "GUID_OPTIONS not answered after " + ctx.attempts
                        + " PARAM_REQUEST_READs: whether ArduCopter reads the setpoints' thrust as thrust is unknown"));
            } else {
                // ArduPilot sends a parameter's value as a float of its number, whatever its type.
                float v = options.paramValue();
                boolean whole = Float.isFinite(v) && v >= 0 && v == Math.rint(v) && v < 1 << 24;
                boolean thrust = whole && ((int) v & AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST) != 0;
                items.add(new Item(THRUST, thrust ? Verdict.PASS : Verdict.FAIL, !whole
                        ? "GUID_OPTIONS = " + v + ": not a set of bits"
                        : thrust ? String.format(Locale.ROOT, "GUID_OPTIONS = %d: SET_ATTITUDE_TARGET's thrust is taken as thrust", (int) v)
                        : String.format(Locale.ROOT, "GUID_OPTIONS = %d: ArduCopter would take the setpoints' thrust as a climb "
                                + "rate; set bit 3 (GUID_OPTIONS = %d)", (int) v, (int) v | AutopilotParams.GUID_OPTIONS_THRUST_AS_THRUST)));
            }
        } else if (px4) {
            items.add(new Item(THRUST, Verdict.INFO, "PX4 takes SET_ATTITUDE_TARGET's thrust as thrust in offboard"));
        }
        items.add(new Item(ARMING, ctx.armRequested ? Verdict.WARN : Verdict.INFO, ctx.armRequested
                ? "--arm given: the replicas will arm the board and fly the mission"
                : "the board will not be armed (arm commands are withheld; give --arm to fly)"));
    }

    /** PX4 sends an integer parameter's bits in PARAM_VALUE's float (byte-wise encoding), ArduPilot its number. */
    static int px4Int(ParamValue v) {
        return v.paramType() != null && v.paramType().entry() == MavParamType.MAV_PARAM_TYPE_INT32
                ? Float.floatToRawIntBits(v.paramValue()) : Math.round(v.paramValue());
    }

    /** What PX4 does when it gives up on a companion's setpoints, and what that leaves to a cold-started replica. */
    enum Px4Failsafe {
        POSITION("Position mode", null, null),
        ALTITUDE("Altitude mode", null, null),
        STABILIZED("Stabilized", null, null),
        NOTHING("nothing", Verdict.WARN, "does nothing of its own"),
        HOLD("Hold", Verdict.PASS, "holds where it is until a replica flies it again"),
        RETURN("Return", Verdict.WARN, "climbs toward RTL_RETURN_ALT and flies home while a replica starts: consider Hold (5)"),
        LAND("Land", Verdict.PASS, "lands by itself; a cold-started replica takes it back and lands it"),
        TERMINATE("Terminate", Verdict.WARN, "stops its motors in the air if both replicas are lost"),
        DISARM("Disarm", Verdict.WARN, "stops its motors in the air if both replicas are lost");

        /** COM_OBL_RC_ACT's values, in order. */
        static final Px4Failsafe[] OFFBOARD_LOSS = {POSITION, ALTITUDE, STABILIZED, RETURN, LAND, HOLD, TERMINATE, DISARM};
        /** NAV_RCL_ACT's values, in order (4 is no action). */
        static final Px4Failsafe[] RC_LOSS = {NOTHING, HOLD, RETURN, LAND, null, TERMINATE, DISARM};

        final String label;
        /** PASS where the aircraft stays where a replica can fly it again; null for a mode that needs an RC link. */
        final Verdict verdict;
        final String then;

        Px4Failsafe(String label, Verdict verdict, String then) {
            this.label = label;
            this.verdict = verdict;
            this.then = then;
        }

        /** Position, altitude and stabilized: without an RC link PX4 does NAV_RCL_ACT instead. */
        boolean needsRcLink() {
            return verdict == null;
        }

        /** The action a parameter's value names in {@code table}, or null for none. */
        static Px4Failsafe of(Px4Failsafe[] table, Integer value) {
            return value == null || value < 0 || value >= table.length ? null : table[value];
        }
    }

    /**
     * What PX4 does once both replicas are lost and COM_OF_LOSS_T has passed, and whether that leaves the aircraft where
     * a cold-started replica can take it back. Position, altitude and stabilized need an RC link; without one PX4 does
     * NAV_RCL_ACT instead (Return by default: in SITL it climbed toward RTL_RETURN_ALT while the replica started).
     *
     * @param action COM_OBL_RC_ACT, null if the board did not answer
     * @param rcLoss NAV_RCL_ACT, null if not asked or not answered
     */
    static Item lossAction(Integer action, Integer rcLoss) {
        if (action == null) {
            return new Item(LOSS_ACTION, Verdict.WARN, AutopilotParams.COM_OBL_RC_ACT + " not answered: what the board does "
                    + "when no replica flies is unknown");
        }
        Px4Failsafe onLoss = Px4Failsafe.of(Px4Failsafe.OFFBOARD_LOSS, action);
        if (onLoss == null) {
            return new Item(LOSS_ACTION, Verdict.WARN, AutopilotParams.COM_OBL_RC_ACT + " = " + action + ": not an action PX4 knows");
        }
        String set = AutopilotParams.COM_OBL_RC_ACT + " = " + action + " (" + onLoss.label + ")";
        Px4Failsafe does = onLoss;
        if (onLoss.needsRcLink()) {
            does = Px4Failsafe.of(Px4Failsafe.RC_LOSS, rcLoss);
            if (does == null) {
                return new Item(LOSS_ACTION, Verdict.WARN, set + ", which needs an RC link; without one PX4 does "
                        + AutopilotParams.NAV_RCL_ACT + (rcLoss == null ? ", not answered" : " = " + rcLoss + ", unknown"));
            }
            set += ", which needs an RC link; without one " + AutopilotParams.NAV_RCL_ACT + " = " + rcLoss + " (" + does.label + ")";
        }
        return new Item(LOSS_ACTION, does.verdict, set + ": with no replica flying, the board " + does.then);
    }

    /** A parameter of the board by name, asked up to {@code attempts} times; null if never answered. */
    private ParamValue readParam(String name) {
        ParamValue value = null;
        for (int attempt = 0; attempt < ctx.attempts && value == null; attempt++) {
            send(ParamRequestRead.builder().targetSystem(boardSystem).targetComponent(boardComponent)
                    .paramId(name).paramIndex(-1).build());
            value = await(ctx.answerTimeoutNs, f -> MavlinkCodec.messageIdOf(f, 0) == MSG_PARAM_VALUE
                    && decode(f) instanceof ParamValue v && name.equals(trimmed(v.paramId())), ParamValue.class, null);
        }
        return value;
    }

    private static String trimmed(String s) {
        if (s == null) {
            return "";
        }
        int nul = s.indexOf('\0');
        return (nul >= 0 ? s.substring(0, nul) : s).trim();
    }

    private static <E extends Enum<E>> String name(EnumValue<E> v, Class<E> type) {
        if (v == null) {
            return "?";
        }
        E e = v.entry();
        return e != null ? e.name() : type.getSimpleName() + " " + v.value();
    }

    private Object decode(byte[] frame) {
        try {
            return codec.decodePayload(frame);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Waits for a frame from the board that the test accepts; sends our heartbeat once a second meanwhile. */
    private <T> T await(long timeoutNs, Predicate<byte[]> test, Class<T> type, T none) {
        long deadline = ctx.clock.nanoTime() + timeoutNs;
        while (ctx.clock.nanoTime() - deadline < 0) {
            long now = ctx.clock.nanoTime();
            if (now - nextOwnHeartbeatNs >= 0) {
                nextOwnHeartbeatNs = now + TimeUnit.SECONDS.toNanos(1);
                // A companion computer announces itself; PX4 and ArduPilot then route to it (and SITL learns where we are).
                send(CompanionHeartbeat.of(MavState.MAV_STATE_STANDBY));
            }
            byte[] f;
            boolean any = false;
            while ((f = frames.poll()) != null) {
                any = true;
                if (Tlog.fromHost(f) || !test.test(f)) {
                    continue;
                }
                Object p = decode(f);
                if (type.isInstance(p)) {
                    if (boardSystem == 0) {
                        boolean v2 = (f[0] & 0xFF) == MavlinkCodec.STX_V2;
                        boardSystem = f[v2 ? 5 : 3] & 0xFF;
                        boardComponent = f[v2 ? 6 : 4] & 0xFF;
                    }
                    ctx.idle.reset();
                    return type.cast(p);
                }
            }
            if (!any) {
                ctx.idle.idle();
            }
        }
        ctx.idle.reset();
        return none;
    }

    private void send(Object payload) {
        byte[] frame = codec.encodeV2(payload, Tlog.HOST_SYSTEM_ID, Tlog.HOST_COMPONENT_ID, sequence++);
        link.write(frame, 0, frame.length);
    }
}
