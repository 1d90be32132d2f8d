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
    void shouldBoundSilenceByDefaultForMavlinkOnlyAndParseSilenceAndKeepalive() {
        assertEquals(LinkOptions.DEFAULT_SILENCE_MS, Endpoint.parse("tcp:h:5760").options().effectiveSilenceMs());
        assertEquals(0, Endpoint.parse("tcp:h:5760,framing=raw").options().effectiveSilenceMs(), "raw: off unless given");
        assertEquals(500, Endpoint.parse("serial:/dev/ttyUSB0,framing=raw,silence-ms=500").options().effectiveSilenceMs());
        assertEquals(0, Endpoint.parse("udp:h:14550,silence-ms=0").options().effectiveSilenceMs());
        assertEquals(LinkOptions.DEFAULT_KEEPALIVE_S, Endpoint.parse("tcp-listen:5760").options().effectiveKeepaliveS());
        assertEquals(0, Endpoint.parse("tcp:h:5760,keepalive-s=0").options().effectiveKeepaliveS());
        Endpoint e = Endpoint.parse("tcp:h:5760,silence-ms=1500,keepalive-s=5");
        assertEquals("tcp:h:5760,silence-ms=1500,keepalive-s=5", e.toString());
        assertEquals(e, Endpoint.parse(e.toString()), "toString parses back to the same endpoint");
        assertEquals(0, Endpoint.parse("tcp-listen:5760").options().silenceUnlessGiven(0).effectiveSilenceMs());
        assertEquals(700, Endpoint.parse("tcp-listen:5760,silence-ms=700").options().silenceUnlessGiven(0).effectiveSilenceMs(),
                "a bound the endpoint gives is kept");
    }

    @Test
    void shouldRefuseBadSilenceAndKeepaliveValuesNamingTheOption() {
        assertMessage("tcp:h:5760,silence-ms=abc", "silence-ms 'abc' is not a whole number");
        assertMessage("tcp:h:5760,silence-ms=-5", "silence-ms -5 is outside 0..86400000");
        assertMessage("tcp:h:5760,silence-ms=1.5", "silence-ms '1.5' is not a whole number");
        assertMessage("tcp:h:5760,silence-ms=", "silence-ms '' is not a whole number");
        assertMessage("serial:/dev/ttyUSB0,silence-ms=99999999999", "silence-ms 99999999999 is outside");
        assertMessage("tcp:h:5760,keepalive-s=x", "keepalive-s 'x' is not a whole number");
        assertMessage("tcp-listen:5760,keepalive-s=40000", "keepalive-s 40000 is outside 0..32767");
        assertMessage("udp:h:14550,keepalive-s=2", "option 'keepalive-s' applies to tcp: and tcp-listen: only");
        assertMessage("serial:/dev/ttyUSB0,keepalive-s=2", "applies to tcp: and tcp-listen: only");
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
