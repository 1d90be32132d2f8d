package io.pstr.fgfs.protocol;

import java.nio.ByteBuffer;

/** Array helpers shared by the FlightGear struct codecs. */
final class Wire {
    private Wire() {
    }

    static void putInts(ByteBuffer b, int[] values) {
        for (int v : values) {
            b.putInt(v);
        }
    }

    static void putFloats(ByteBuffer b, float[]... arrays) {
        for (float[] a : arrays) {
            for (float v : a) {
                b.putFloat(v);
            }
        }
    }

    static void putDoubles(ByteBuffer b, double[]... arrays) {
        for (double[] a : arrays) {
            for (double v : a) {
                b.putDouble(v);
            }
        }
    }

    static void getInts(ByteBuffer b, int[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = b.getInt();
        }
    }

    static void getFloats(ByteBuffer b, float[]... arrays) {
        for (float[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                a[i] = b.getFloat();
            }
        }
    }

    static void getDoubles(ByteBuffer b, double[]... arrays) {
        for (double[] a : arrays) {
            for (int i = 0; i < a.length; i++) {
                a[i] = b.getDouble();
            }
        }
    }

    static boolean finite(float... values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean finite(float[]... arrays) {
        for (float[] a : arrays) {
            if (!finite(a)) {
                return false;
            }
        }
        return true;
    }

    static boolean finite(double... values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean finite(double[]... arrays) {
        for (double[] a : arrays) {
            if (!finite(a)) {
                return false;
            }
        }
        return true;
    }
}
