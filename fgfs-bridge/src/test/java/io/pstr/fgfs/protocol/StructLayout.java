package io.pstr.fgfs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A C struct's layout written out by hand from FlightGear's header (one line per field: C name, byte offset, type
 * i32/f32/f64, Java field), and a byte-by-byte check of an encoder against it.
 */
final class StructLayout {
    record Row(String cName, int offset, String type, String javaField, int index) {
        int size() {
            return type.equals("f64") ? 8 : 4;
        }
    }

    final List<Row> rows = new ArrayList<>();

    StructLayout(String table) {
        for (String line : table.strip().split("\n")) {
            String[] p = line.trim().split("\\s+");
            String java = p[3];
            int index = -1;
            int b = java.indexOf('[');
            if (b > 0) {
                index = Integer.parseInt(java.substring(b + 1, java.length() - 1));
                java = java.substring(0, b);
            }
            rows.add(new Row(p[0], Integer.parseInt(p[1]), p[2], java, index));
        }
    }

    /** Every byte is covered by exactly one field or by padding between them, and the struct ends at {@code size}. */
    void assertContiguous(int size) {
        int at = 0;
        for (Row r : rows) {
            int aligned = r.type().equals("f64") ? (at + 7) & ~7 : at;
            assertEquals(aligned, r.offset(), "offset of " + r.cName());
            at = r.offset() + r.size();
        }
        assertEquals(size, (at + 7) & ~7, "struct size");
    }

    /** Puts a distinct value in every field (by its row number) and returns them. */
    double[] fill(Object struct) throws ReflectiveOperationException {
        double[] values = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.javaField().equals("version")) {
                values[i] = struct.getClass().getField("VERSION").getInt(null);
                continue;
            }
            values[i] = r.type().equals("i32") ? (r.cName().startsWith("num_") ? 1 + i % 3 : 1000 + i)
                    : r.type().equals("f32") ? i + 0.25 : i + 0.123456789012;
            set(struct, r, values[i]);
        }
        return values;
    }

    void set(Object struct, Row r, double v) throws ReflectiveOperationException {
        Field f = struct.getClass().getField(r.javaField());
        if (r.index() < 0) {
            switch (r.type()) {
                case "i32" -> f.setInt(struct, (int) v);
                case "f32" -> f.setFloat(struct, (float) v);
                default -> f.setDouble(struct, v);
            }
        } else {
            Object a = f.get(struct);
            switch (r.type()) {
                case "i32" -> Array.setInt(a, r.index(), (int) v);
                case "f32" -> Array.setFloat(a, r.index(), (float) v);
                default -> Array.setDouble(a, r.index(), v);
            }
        }
    }

    double get(Object struct, Row r) throws ReflectiveOperationException {
        Field f = struct.getClass().getField(r.javaField());
        Object v = r.index() < 0 ? f.get(struct) : Array.get(f.get(struct), r.index());
        return ((Number) v).doubleValue();
    }

    /** Reads the field at its offset, big-endian, from the encoded bytes. */
    static double read(byte[] packet, Row r) {
        ByteBuffer b = ByteBuffer.wrap(packet);
        return switch (r.type()) {
            case "i32" -> b.getInt(r.offset());
            case "f32" -> b.getFloat(r.offset());
            default -> b.getDouble(r.offset());
        };
    }

    /** Each field's value sits at its offset in the packet (single-precision fields rounded to float). */
    void assertAtOffsets(double[] values, byte[] packet) {
        for (int i = 0; i < values.length; i++) {
            Row r = rows.get(i);
            double expected = r.type().equals("f32") ? (float) values[i] : values[i];
            assertEquals(expected, read(packet, r), r.cName() + " at " + r.offset());
        }
    }

    void assertSameFields(Object expected, Object actual) throws ReflectiveOperationException {
        for (Row r : rows) {
            assertEquals(get(expected, r), get(actual, r), r.cName());
        }
    }
}
