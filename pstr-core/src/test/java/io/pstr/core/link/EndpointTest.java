package io.pstr.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void shouldDefaultToMavlink8N1WithoutFlowControlOrSigning() {
        Endpoint e = Endpoint.parse("serial:/dev/ttyUSB0:57600");
        assertEquals(Endpoint.Kind.SERIAL, e.kind());
        assertEquals("/dev/ttyUSB0", e.path());
        assertEquals(57_600, e.baudRate());
        assertEquals(LinkOptions.DEFAULTS, e.options());
        assertEquals(10, e.options().bitsPerByte());
        assertEquals("serial:/dev/ttyUSB0:57600", e.toString());
        assertEquals(Endpoint.DEFAULT_BAUD, Endpoint.parse("serial:/dev/ttyACM0").baudRate());
    }

    @Test
    void shouldParseSerialFormatFlowFramingAndSigningOptions() {
        Endpoint e = Endpoint.parse("serial:/dev/ttyACM0:921600,format=7E2,flow=rtscts,signing-key=keys/board.key,link-id=3");
        LinkOptions o = e.options();
        assertEquals(7, o.dataBits());
        assertEquals(LinkOptions.Parity.EVEN, o.parity());
        assertEquals(LinkOptions.StopBits.TWO, o.stopBits());
        assertEquals(LinkOptions.Flow.RTSCTS, o.flow());
        assertEquals(Path.of("keys/board.key"), o.signingKey());
        assertEquals(3, o.signingLinkId());
        assertEquals(1 + 7 + 1 + 2, o.bitsPerByte());
        assertEquals("serial:/dev/ttyACM0:921600,format=7E2,flow=rtscts,signing-key=keys/board.key,link-id=3", e.toString());
        assertEquals(e, Endpoint.parse(e.toString()), "toString parses back to the same endpoint");
        assertEquals(LinkOptions.Framing.RAW, Endpoint.parse("tcp:10.0.0.2:5760,framing=raw").options().framing());
        assertEquals(LinkOptions.Flow.XONXOFF, Endpoint.parse("pty:/tmp/p,flow=xonxoff").options().flow());
    }

    @Test
    void shouldParseEveryKindIncludingUdpListen() {
        assertEquals(new Endpoint(Endpoint.Kind.UDP_LISTEN, "127.0.0.1", 14_550, null, Endpoint.DEFAULT_BAUD),
                Endpoint.parse("udp-listen:14550"));
        assertEquals("udp:192.168.1.5:14550", Endpoint.parse("udp:192.168.1.5:14550").toString());
        assertEquals("tcp-listen:5760", Endpoint.parse("tcp-listen:5760").toString());
        Endpoint signed = Endpoint.parse("udp-listen:14550,signing-key=k.hex");
        assertEquals(Path.of("k.hex"), signed.options().signingKey());
        assertNull(Endpoint.parse("tcp:h:1").options().signingKey());
    }

    @Test
    void shouldExplainBadEndpoints() {
        assertMessage("ttyUSB0", "has no kind");
        assertMessage("serial:", "names no device");
        assertMessage("serial:/dev/ttyUSB0:115200:8N1", "write the serial format as an option");
        assertMessage("serial:/dev/ttyUSB0,format=9N1", "format '9N1'");
        assertMessage("serial:/dev/ttyUSB0,flow=dtr", "flow 'dtr'");
        assertMessage("tcp:h:5760,format=8N1", "applies to serial: and pty: only");
        assertMessage("tcp:h:5760,framing=slip", "framing 'slip'");
        assertMessage("tcp:h:5760,speed=9", "unknown option 'speed'");
        assertMessage("tcp:h:5760,raw", "is not key=value");
        assertMessage("tcp:h:5760,link-id=300", "outside 0..255");
        assertMessage("tcp:h:5760,framing=raw,signing-key=k", "signing needs framing=mavlink");
        assertMessage("tcp:h:99999", "outside 0..65535");
        assertMessage("udp-listen:x", "port 'x' is not a number");
        assertMessage("can:0", "unknown kind 'can'");
        assertMessage("serial:/dev/ttyS0:0", "baud rate must be positive");
    }

    private static void assertMessage(String endpoint, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(endpoint), endpoint);
        assertTrue(e.getMessage().contains(expected), endpoint + " -> " + e.getMessage());
    }
}
