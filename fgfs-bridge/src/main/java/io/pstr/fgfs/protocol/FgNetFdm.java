package io.pstr.fgfs.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * FlightGear's {@code FGNetFDM} version {@value #VERSION}: the packet {@code --native-fdm} reads (and writes),
 * {@value #SIZE_BYTES} bytes, big-endian, fields at their C offsets (the struct has explicit padding, so none is
 * implied). A mutable mirror of the C struct, one public field per C field, so that a packet can be built, sent,
 * decoded and compared field by field; units are FlightGear's: radians, metres above sea level, feet per second.
 */
public final class FgNetFdm {
    public static final int VERSION = 24;
    public static final int SIZE_BYTES = 408;
    public static final int MAX_ENGINES = 4;
    public static final int MAX_WHEELS = 3;
    public static final int MAX_TANKS = 4;
    /** An AGL of this or less asks FlightGear to compute the height above ground itself. */
    public static final float AGL_UNKNOWN = -9999f;

    public int version = VERSION;
    public double longitude, latitude, altitude;
    public float agl, phi, theta, psi, alpha, beta;
    public float phidot, thetadot, psidot, vcas, climbRate, vNorth, vEast, vDown;
    public float vWindBodyNorth, vWindBodyEast, vWindBodyDown;
    public float aXPilot, aYPilot, aZPilot, stallWarning, slipDeg;
    public int numEngines;
    public final int[] engState = new int[MAX_ENGINES];
    public final float[] rpm = new float[MAX_ENGINES], fuelFlow = new float[MAX_ENGINES], fuelPx = new float[MAX_ENGINES],
            egt = new float[MAX_ENGINES], cht = new float[MAX_ENGINES], mpOsi = new float[MAX_ENGINES], tit = new float[MAX_ENGINES],
            oilTemp = new float[MAX_ENGINES], oilPx = new float[MAX_ENGINES];
    public int numTanks;
    public final float[] fuelQuantity = new float[MAX_TANKS];
    public int numWheels;
    public final int[] wow = new int[MAX_WHEELS];
    public final float[] gearPos = new float[MAX_WHEELS], gearSteer = new float[MAX_WHEELS], gearCompression = new float[MAX_WHEELS];
    public int curTime, warp;
    public float visibility;
    public float elevator, elevatorTrimTab, leftFlap, rightFlap, leftAileron, rightAileron, rudder, noseWheel, speedbrake, spoilers;

    /** Writes the packet into {@code dst} from {@code offset}; {@code dst} needs {@value #SIZE_BYTES} bytes there. */
    public void encode(byte[] dst, int offset) {
        ByteBuffer b = ByteBuffer.wrap(dst, offset, SIZE_BYTES).slice().order(ByteOrder.BIG_ENDIAN);
        b.putInt(version).putInt(0);
        b.putDouble(longitude).putDouble(latitude).putDouble(altitude);
        b.putFloat(agl).putFloat(phi).putFloat(theta).putFloat(psi).putFloat(alpha).putFloat(beta);
        b.putFloat(phidot).putFloat(thetadot).putFloat(psidot).putFloat(vcas).putFloat(climbRate)
                .putFloat(vNorth).putFloat(vEast).putFloat(vDown)
                .putFloat(vWindBodyNorth).putFloat(vWindBodyEast).putFloat(vWindBodyDown);
        b.putFloat(aXPilot).putFloat(aYPilot).putFloat(aZPilot).putFloat(stallWarning).putFloat(slipDeg);
        b.putInt(numEngines);
        Wire.putInts(b, engState);
        Wire.putFloats(b, rpm, fuelFlow, fuelPx, egt, cht, mpOsi, tit, oilTemp, oilPx);
        b.putInt(numTanks);
        Wire.putFloats(b, fuelQuantity);
        b.putInt(numWheels);
        Wire.putInts(b, wow);
        Wire.putFloats(b, gearPos, gearSteer, gearCompression);
        b.putInt(curTime).putInt(warp).putFloat(visibility);
        b.putFloat(elevator).putFloat(elevatorTrimTab).putFloat(leftFlap).putFloat(rightFlap).putFloat(leftAileron)
                .putFloat(rightAileron).putFloat(rudder).putFloat(noseWheel).putFloat(speedbrake).putFloat(spoilers);
        if (b.position() != SIZE_BYTES) {
            throw new IllegalStateException("FGNetFDM encoder wrote " + b.position() + " bytes, not " + SIZE_BYTES);
        }
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE_BYTES];
        encode(out, 0);
        return out;
    }

    /**
     * Decodes a packet into {@code into} and validates it: exact size, version, every float finite, counts within
     * the arrays. On a refusal {@code into} may be partly overwritten.
     * @return null when the packet is good, else why it was refused
     */
    public static Reject decode(byte[] src, int offset, int length, FgNetFdm into) {
        if (length != SIZE_BYTES) {
            return Reject.WRONG_SIZE;
        }
        ByteBuffer b = ByteBuffer.wrap(src, offset, length).slice().order(ByteOrder.BIG_ENDIAN);
        FgNetFdm f = into;
        f.version = b.getInt();
        if (f.version != VERSION) {
            return Reject.WRONG_VERSION;
        }
        b.getInt();
        f.longitude = b.getDouble();
        f.latitude = b.getDouble();
        f.altitude = b.getDouble();
        f.agl = b.getFloat();
        f.phi = b.getFloat();
        f.theta = b.getFloat();
        f.psi = b.getFloat();
        f.alpha = b.getFloat();
        f.beta = b.getFloat();
        f.phidot = b.getFloat();
        f.thetadot = b.getFloat();
        f.psidot = b.getFloat();
        f.vcas = b.getFloat();
        f.climbRate = b.getFloat();
        f.vNorth = b.getFloat();
        f.vEast = b.getFloat();
        f.vDown = b.getFloat();
        f.vWindBodyNorth = b.getFloat();
        f.vWindBodyEast = b.getFloat();
        f.vWindBodyDown = b.getFloat();
        f.aXPilot = b.getFloat();
        f.aYPilot = b.getFloat();
        f.aZPilot = b.getFloat();
        f.stallWarning = b.getFloat();
        f.slipDeg = b.getFloat();
        f.numEngines = b.getInt();
        Wire.getInts(b, f.engState);
        Wire.getFloats(b, f.rpm, f.fuelFlow, f.fuelPx, f.egt, f.cht, f.mpOsi, f.tit, f.oilTemp, f.oilPx);
        f.numTanks = b.getInt();
        Wire.getFloats(b, f.fuelQuantity);
        f.numWheels = b.getInt();
        Wire.getInts(b, f.wow);
        Wire.getFloats(b, f.gearPos, f.gearSteer, f.gearCompression);
        f.curTime = b.getInt();
        f.warp = b.getInt();
        f.visibility = b.getFloat();
        f.elevator = b.getFloat();
        f.elevatorTrimTab = b.getFloat();
        f.leftFlap = b.getFloat();
        f.rightFlap = b.getFloat();
        f.leftAileron = b.getFloat();
        f.rightAileron = b.getFloat();
        f.rudder = b.getFloat();
        f.noseWheel = b.getFloat();
        f.speedbrake = b.getFloat();
        f.spoilers = b.getFloat();
        if (Integer.compareUnsigned(f.numEngines, MAX_ENGINES) > 0 || Integer.compareUnsigned(f.numTanks, MAX_TANKS) > 0
                || Integer.compareUnsigned(f.numWheels, MAX_WHEELS) > 0) {
            return Reject.BAD_COUNT;
        }
        return f.allFinite() ? null : Reject.NOT_FINITE;
    }

    /** Every floating-point field is finite. */
    public boolean allFinite() {
        return Double.isFinite(longitude) && Double.isFinite(latitude) && Double.isFinite(altitude)
                && Wire.finite(agl, phi, theta, psi, alpha, beta, phidot, thetadot, psidot, vcas, climbRate, vNorth, vEast, vDown,
                        vWindBodyNorth, vWindBodyEast, vWindBodyDown, aXPilot, aYPilot, aZPilot, stallWarning, slipDeg, visibility,
                        elevator, elevatorTrimTab, leftFlap, rightFlap, leftAileron, rightAileron, rudder, noseWheel, speedbrake, spoilers)
                && Wire.finite(rpm, fuelFlow, fuelPx, egt, cht, mpOsi, tit, oilTemp, oilPx, fuelQuantity, gearPos, gearSteer, gearCompression);
    }
}
