package io.pstr.fgfs.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * FlightGear's {@code FGNetCtrls} version {@value #VERSION}: what {@code --native-ctrls=socket,out,...} sends (a
 * pilot's stick, throttle, switches), {@value #SIZE_BYTES} bytes, big-endian. The C struct has no explicit padding,
 * so the compiler aligns each double to 8 bytes: 4 bytes of padding follow {@code version}, {@code starter_power}
 * and {@code cross_feed}; the packet is the struct's memory image with each field in network order. A mutable
 * mirror of the struct, one public field per C field.
 */
public final class FgNetCtrls {
    public static final int VERSION = 27;
    public static final int SIZE_BYTES = 744;
    public static final int MAX_ENGINES = 4;
    public static final int MAX_TANKS = 8;
    public static final int XFER_PUMPS = 5;
    public static final int RESERVED_INTS = 25;

    public int version = VERSION;
    public double aileron, elevator, rudder, aileronTrim, elevatorTrim, rudderTrim, flaps, spoilers, speedbrake;
    public int flapsPower, flapMotorOk;
    public int numEngines;
    public final int[] masterBat = new int[MAX_ENGINES], masterAlt = new int[MAX_ENGINES], magnetos = new int[MAX_ENGINES],
            starterPower = new int[MAX_ENGINES];
    public final double[] throttle = new double[MAX_ENGINES], mixture = new double[MAX_ENGINES], condition = new double[MAX_ENGINES];
    public final int[] fuelPumpPower = new int[MAX_ENGINES];
    public final double[] propAdvance = new double[MAX_ENGINES];
    public final int[] feedTankTo = new int[4], reverse = new int[4];
    public final int[] engineOk = new int[MAX_ENGINES], magLeftOk = new int[MAX_ENGINES], magRightOk = new int[MAX_ENGINES],
            sparkPlugsOk = new int[MAX_ENGINES], oilPressStatus = new int[MAX_ENGINES], fuelPumpOk = new int[MAX_ENGINES];
    public int numTanks;
    public final int[] fuelSelector = new int[MAX_TANKS];
    public final int[] xferPump = new int[XFER_PUMPS];
    public int crossFeed;
    public double brakeLeft, brakeRight, copilotBrakeLeft, copilotBrakeRight, brakeParking;
    public int gearHandle, masterAvionics;
    public double comm1, comm2, nav1, nav2;
    public double windSpeedKt, windDirDeg, turbulenceNorm, tempC, pressInhg, hground, magvar;
    public int icing, speedup, freeze;
    public final int[] reserved = new int[RESERVED_INTS];

    public void encode(byte[] dst, int offset) {
        ByteBuffer b = ByteBuffer.wrap(dst, offset, SIZE_BYTES).slice().order(ByteOrder.BIG_ENDIAN);
        b.putInt(version).putInt(0);
        b.putDouble(aileron).putDouble(elevator).putDouble(rudder).putDouble(aileronTrim).putDouble(elevatorTrim)
                .putDouble(rudderTrim).putDouble(flaps).putDouble(spoilers).putDouble(speedbrake);
        b.putInt(flapsPower).putInt(flapMotorOk).putInt(numEngines);
        Wire.putInts(b, masterBat);
        Wire.putInts(b, masterAlt);
        Wire.putInts(b, magnetos);
        Wire.putInts(b, starterPower);
        b.putInt(0);
        Wire.putDoubles(b, throttle, mixture, condition);
        Wire.putInts(b, fuelPumpPower);
        Wire.putDoubles(b, propAdvance);
        for (int[] a : new int[][] {feedTankTo, reverse, engineOk, magLeftOk, magRightOk, sparkPlugsOk, oilPressStatus, fuelPumpOk}) {
            Wire.putInts(b, a);
        }
        b.putInt(numTanks);
        Wire.putInts(b, fuelSelector);
        Wire.putInts(b, xferPump);
        b.putInt(crossFeed).putInt(0);
        b.putDouble(brakeLeft).putDouble(brakeRight).putDouble(copilotBrakeLeft).putDouble(copilotBrakeRight).putDouble(brakeParking);
        b.putInt(gearHandle).putInt(masterAvionics);
        b.putDouble(comm1).putDouble(comm2).putDouble(nav1).putDouble(nav2);
        b.putDouble(windSpeedKt).putDouble(windDirDeg).putDouble(turbulenceNorm).putDouble(tempC).putDouble(pressInhg)
                .putDouble(hground).putDouble(magvar);
        b.putInt(icing).putInt(speedup).putInt(freeze);
        Wire.putInts(b, reserved);
        if (b.position() != SIZE_BYTES) {
            throw new IllegalStateException("FGNetCtrls encoder wrote " + b.position() + " bytes, not " + SIZE_BYTES);
        }
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE_BYTES];
        encode(out, 0);
        return out;
    }

    /**
     * Decodes and validates (exact size, version, every double finite, engine and tank counts within the arrays).
     * @return null when good, else why the packet was refused
     */
    public static Reject decode(byte[] src, int offset, int length, FgNetCtrls into) {
        if (length != SIZE_BYTES) {
            return Reject.WRONG_SIZE;
        }
        ByteBuffer b = ByteBuffer.wrap(src, offset, length).slice().order(ByteOrder.BIG_ENDIAN);
        FgNetCtrls c = into;
        c.version = b.getInt();
        if (c.version != VERSION) {
            return Reject.WRONG_VERSION;
        }
        b.getInt();
        c.aileron = b.getDouble();
        c.elevator = b.getDouble();
        c.rudder = b.getDouble();
        c.aileronTrim = b.getDouble();
        c.elevatorTrim = b.getDouble();
        c.rudderTrim = b.getDouble();
        c.flaps = b.getDouble();
        c.spoilers = b.getDouble();
        c.speedbrake = b.getDouble();
        c.flapsPower = b.getInt();
        c.flapMotorOk = b.getInt();
        c.numEngines = b.getInt();
        Wire.getInts(b, c.masterBat);
        Wire.getInts(b, c.masterAlt);
        Wire.getInts(b, c.magnetos);
        Wire.getInts(b, c.starterPower);
        b.getInt();
        Wire.getDoubles(b, c.throttle, c.mixture, c.condition);
        Wire.getInts(b, c.fuelPumpPower);
        Wire.getDoubles(b, c.propAdvance);
        for (int[] a : new int[][] {c.feedTankTo, c.reverse, c.engineOk, c.magLeftOk, c.magRightOk, c.sparkPlugsOk, c.oilPressStatus,
            c.fuelPumpOk}) {
            Wire.getInts(b, a);
        }
        c.numTanks = b.getInt();
        Wire.getInts(b, c.fuelSelector);
        Wire.getInts(b, c.xferPump);
        c.crossFeed = b.getInt();
        b.getInt();
        c.brakeLeft = b.getDouble();
        c.brakeRight = b.getDouble();
        c.copilotBrakeLeft = b.getDouble();
        c.copilotBrakeRight = b.getDouble();
        c.brakeParking = b.getDouble();
        c.gearHandle = b.getInt();
        c.masterAvionics = b.getInt();
        c.comm1 = b.getDouble();
        c.comm2 = b.getDouble();
        c.nav1 = b.getDouble();
        c.nav2 = b.getDouble();
        c.windSpeedKt = b.getDouble();
        c.windDirDeg = b.getDouble();
        c.turbulenceNorm = b.getDouble();
        c.tempC = b.getDouble();
        c.pressInhg = b.getDouble();
        c.hground = b.getDouble();
        c.magvar = b.getDouble();
        c.icing = b.getInt();
        c.speedup = b.getInt();
        c.freeze = b.getInt();
        Wire.getInts(b, c.reserved);
        if (Integer.compareUnsigned(c.numEngines, MAX_ENGINES) > 0 || Integer.compareUnsigned(c.numTanks, MAX_TANKS) > 0) {
            return Reject.BAD_COUNT;
        }
        boolean finite = Wire.finite(c.aileron, c.elevator, c.rudder, c.aileronTrim, c.elevatorTrim, c.rudderTrim, c.flaps, c.spoilers,
                c.speedbrake, c.brakeLeft, c.brakeRight, c.copilotBrakeLeft, c.copilotBrakeRight, c.brakeParking, c.comm1, c.comm2, c.nav1,
                c.nav2, c.windSpeedKt, c.windDirDeg, c.turbulenceNorm, c.tempC, c.pressInhg, c.hground, c.magvar)
                && Wire.finite(c.throttle, c.mixture, c.condition, c.propAdvance);
        return finite ? null : Reject.NOT_FINITE;
    }
}
