package io.pstr.fgfs.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pstr.fgfs.bridge.FdmBridge;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenericProtocolTest {

    @Test
    void shouldParseTheShippedProtocolPair() {
        GenericProtocol state = FdmBridge.load(FdmBridge.STATE_PROTOCOL);
        assertNull(state.input());
        assertTrue(state.output().binary());
        assertTrue(state.output().bigEndian());
        assertEquals(16, state.output().chunks().size());
        assertEquals(16 * 8, state.output().sizeBytes());
        assertEquals("/sim/time/elapsed-sec", state.output().chunks().get(0).node(), "sim time first: start-up zeros are told by it");
        assertEquals(0.3048, state.output().chunks().get(state.output().indexOf("altitude-m")).factor());
        GenericProtocol controls = FdmBridge.load(FdmBridge.CONTROLS_PROTOCOL);
        assertNull(controls.output());
        assertEquals(List.of("aileron", "elevator", "rudder", "throttle", "throttle-current-engine"),
                controls.input().chunks().stream().map(GenericProtocol.Chunk::name).toList());
        assertEquals("/controls/engines/current-engine/throttle", controls.input().chunks().get(4).node());
    }

    @Test
    void shouldRoundTripXml() {
        for (String name : List.of(FdmBridge.STATE_PROTOCOL, FdmBridge.CONTROLS_PROTOCOL)) {
            GenericProtocol p = FdmBridge.load(name);
            assertEquals(p, GenericProtocol.parse(p.toXml()), name);
        }
        GenericProtocol ascii = new GenericProtocol(
                new GenericProtocol.Block(false, true, "\t", "\n", List.of(
                        new GenericProtocol.Chunk("a", GenericProtocol.Type.INT, "/a", 2, 1, "%d"),
                        new GenericProtocol.Chunk("b", GenericProtocol.Type.FLOAT, "/b", 1, 0, "%f"),
                        new GenericProtocol.Chunk("c", GenericProtocol.Type.BOOL, "/c"),
                        new GenericProtocol.Chunk("d", GenericProtocol.Type.STRING, "/d"))),
                new GenericProtocol.Block(true, false, "", "", List.of(
                        new GenericProtocol.Chunk("e", GenericProtocol.Type.DOUBLE, "/e"),
                        new GenericProtocol.Chunk("f", GenericProtocol.Type.WORD, "/f", 0.5, -3, null))));
        String xml = ascii.toXml();
        assertTrue(xml.contains("<var_separator>tab</var_separator>"), xml);
        assertTrue(xml.contains("<byte_order>host</byte_order>"), xml);
        assertEquals(ascii, GenericProtocol.parse(xml));
    }

    @Test
    void shouldEncodeBinaryTightlyPackedInChunkOrder() {
        GenericProtocol.Block b = GenericProtocol.Block.binary(List.of(
                new GenericProtocol.Chunk("bool", GenericProtocol.Type.BOOL, "/x"),
                new GenericProtocol.Chunk("int", GenericProtocol.Type.INT, "/x"),
                new GenericProtocol.Chunk("float", GenericProtocol.Type.FLOAT, "/x"),
                new GenericProtocol.Chunk("double", GenericProtocol.Type.DOUBLE, "/x"),
                new GenericProtocol.Chunk("byte", GenericProtocol.Type.BYTE, "/x"),
                new GenericProtocol.Chunk("word", GenericProtocol.Type.WORD, "/x"),
                new GenericProtocol.Chunk("fixed", GenericProtocol.Type.FIXED, "/x")));
        assertEquals(1 + 4 + 4 + 8 + 1 + 2 + 4, b.sizeBytes());
        double[] values = {1, -123456, 1.5, Math.PI, -7, 30000, 2.25};
        byte[] packet = b.encode(values);
        ByteBuffer bb = ByteBuffer.wrap(packet).order(ByteOrder.BIG_ENDIAN);
        assertEquals(1, bb.get(0));
        assertEquals(-123456, bb.getInt(1));
        assertEquals(1.5f, bb.getFloat(5));
        assertEquals(Math.PI, bb.getDouble(9));
        assertEquals(-7, bb.get(17));
        assertEquals(30000, bb.getShort(18));
        assertEquals((int) (2.25 * 65536), bb.getInt(20));
        double[] back = new double[values.length];
        assertNull(b.decode(packet, 0, packet.length, back));
        assertArrayEquals(values, back, 1e-12);

        GenericProtocol.Block little = new GenericProtocol.Block(true, false, "", "",
                List.of(new GenericProtocol.Chunk("int", GenericProtocol.Type.INT, "/x")));
        assertArrayEquals(new byte[] {1, 0, 0, 0}, little.encode(new double[] {1}), "host order on x86 is little-endian");
    }

    @Test
    void shouldRoundTripAscii() {
        GenericProtocol.Block b = new GenericProtocol.Block(false, true, ",", "\n", List.of(
                new GenericProtocol.Chunk("t", GenericProtocol.Type.DOUBLE, "/t"),
                new GenericProtocol.Chunk("n", GenericProtocol.Type.INT, "/n"),
                new GenericProtocol.Chunk("b", GenericProtocol.Type.BOOL, "/b")));
        byte[] line = b.encode(new double[] {12.5, 42, 1});
        assertEquals("12.5,42,1\n", new String(line, StandardCharsets.US_ASCII));
        double[] back = new double[3];
        assertNull(b.decode(line, 0, line.length, back));
        assertArrayEquals(new double[] {12.5, 42, 1}, back);
        byte[] word = "1.0,2,true\n".getBytes(StandardCharsets.US_ASCII);
        assertNull(b.decode(word, 0, word.length, back));
        assertEquals(1, back[2]);
    }

    @Test
    void shouldRefuseBadPackets() {
        GenericProtocol.Block state = FdmBridge.load(FdmBridge.STATE_PROTOCOL).output();
        double[] values = new double[state.chunks().size()];
        values[0] = 12.5;
        byte[] good = state.encode(values);
        double[] into = new double[values.length];
        assertEquals(Reject.WRONG_SIZE, state.decode(good, 0, good.length - 1, into));
        assertEquals(Reject.WRONG_SIZE, state.decode(new byte[good.length + 8], 0, good.length + 8, into));
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).putDouble(8, Double.NaN);
        assertEquals(Reject.NOT_FINITE, state.decode(nan, 0, nan.length, into));
        assertNull(state.decode(good, 0, good.length, into));
        assertEquals(12.5, into[0]);

        GenericProtocol.Block ascii = new GenericProtocol.Block(false, true, ",", "\n",
                List.of(new GenericProtocol.Chunk("a", GenericProtocol.Type.DOUBLE, "/a"), new GenericProtocol.Chunk("b", GenericProtocol.Type.DOUBLE, "/b")));
        double[] two = new double[2];
        assertEquals(Reject.WRONG_SIZE, ascii.decode("1,2,3\n".getBytes(StandardCharsets.US_ASCII), 0, 6, two));
        assertEquals(Reject.NOT_FINITE, ascii.decode("1,x\n".getBytes(StandardCharsets.US_ASCII), 0, 4, two));
        assertEquals(Reject.NOT_FINITE, ascii.decode("1,NaN\n".getBytes(StandardCharsets.US_ASCII), 0, 6, two));
    }

    @Test
    void shouldRefuseBadFilesWithAClearReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse("<PropertyList><generic>"))
                .getMessage().contains("not well-formed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse("<foo/>")).getMessage().contains("PropertyList"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse("<PropertyList><generic/></PropertyList>"))
                .getMessage().contains("neither"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse(
                "<PropertyList><generic><output><chunk><name>x</name><type>quad</type></chunk></output></generic></PropertyList>"))
                .getMessage().contains("unknown type 'quad'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse(
                "<PropertyList><generic><output><binary_mode>true</binary_mode><binary_footer>magic,0x1</binary_footer>"
                        + "<chunk><type>int</type></chunk></output></generic></PropertyList>")).getMessage().contains("footer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse(
                "<PropertyList><generic><input><binary_mode>true</binary_mode><chunk><type>string</type></chunk></input></generic></PropertyList>"))
                .getMessage().contains("string"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GenericProtocol.parse(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><PropertyList/>")).getMessage().contains("not well-formed"));
    }
}
