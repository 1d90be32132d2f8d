package io.pstr.core.link;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of an {@link Endpoint}, written after its address as {@code ,key=value} pairs:
 * <ul>
 *   <li>{@code format=8N1}: serial data bits (5..8), parity (N none, E even, O odd, M mark, S space) and stop
 *       bits (1, 1.5 or 2); default 8N1</li>
 *   <li>{@code flow=none|rtscts|xonxoff}: serial flow control; default none</li>
 *   <li>{@code framing=mavlink|raw}: cut MAVLink 1/2 frames (default) or pass bytes through in time-stamped chunks</li>
 *   <li>{@code signing-key=FILE}: MAVLink 2 signing with the 32-byte secret in FILE (64 hex digits or 32 raw bytes)</li>
 *   <li>{@code link-id=N}: the signature's link id, 0..255; default 0</li>
 *   <li>{@code silence-ms=N}: the receive-silence watchdog: no byte for N ms takes the link down (0 = off); default
 *       {@value #DEFAULT_SILENCE_MS} with {@code framing=mavlink} (a board sends HEARTBEAT at 1 Hz), off with
 *       {@code framing=raw}</li>
 *   <li>{@code keepalive-s=N}: TCP keepalive idle time in seconds, probes every second, {@value #KEEPALIVE_PROBES}
 *       probes (0 = off); default {@value #DEFAULT_KEEPALIVE_S}; {@code tcp} and {@code tcp-listen} only</li>
 * </ul>
 *
 * @param silenceMs   as written, or {@link #UNSET} when not given: see {@link #effectiveSilenceMs()}
 * @param keepaliveS  as written, or {@link #UNSET} when not given: see {@link #effectiveKeepaliveS()}
 */
public record LinkOptions(int dataBits, Parity parity, StopBits stopBits, Flow flow, Framing framing, Path signingKey,
        int signingLinkId, int silenceMs, int keepaliveS) {

    /** {@code silenceMs} or {@code keepaliveS} not given in the endpoint. */
    public static final int UNSET = -1;
    /** Three HEARTBEATs of a 1 Hz board missed. */
    public static final int DEFAULT_SILENCE_MS = 3_000;
    /** Largest {@code silence-ms}: a day. */
    public static final int MAX_SILENCE_MS = 86_400_000;
    public static final int DEFAULT_KEEPALIVE_S = 2;
    /** Largest {@code keepalive-s} Linux takes for TCP_KEEPIDLE. */
    public static final int MAX_KEEPALIVE_S = 32_767;
    /** Unanswered keepalive probes, one a second, before the kernel gives the connection up. */
    public static final int KEEPALIVE_PROBES = 3;

    public enum Parity {
        NONE('N'), EVEN('E'), ODD('O'), MARK('M'), SPACE('S');

        final char letter;

        Parity(char letter) {
            this.letter = letter;
        }
    }

    public enum StopBits {
        ONE("1", 1.0), ONE_POINT_FIVE("1.5", 1.5), TWO("2", 2.0);

        final String text;
        final double bits;

        StopBits(String text, double bits) {
            this.text = text;
            this.bits = bits;
        }
    }

    public enum Flow { NONE, RTSCTS, XONXOFF }

    public enum Framing { MAVLINK, RAW }

    public static final LinkOptions DEFAULTS = new LinkOptions(8, Parity.NONE, StopBits.ONE, Flow.NONE, Framing.MAVLINK, null, 0,
            UNSET, UNSET);

    public LinkOptions {
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits " + dataBits + " outside 5..8");
        }
        if (signingLinkId < 0 || signingLinkId > 255) {
            throw new IllegalArgumentException("link-id " + signingLinkId + " outside 0..255");
        }
        if (silenceMs != UNSET && (silenceMs < 0 || silenceMs > MAX_SILENCE_MS)) {
            throw new IllegalArgumentException("silence-ms " + silenceMs + " outside 0.." + MAX_SILENCE_MS);
        }
        if (keepaliveS != UNSET && (keepaliveS < 0 || keepaliveS > MAX_KEEPALIVE_S)) {
            throw new IllegalArgumentException("keepalive-s " + keepaliveS + " outside 0.." + MAX_KEEPALIVE_S);
        }
    }

    /** The receive-silence bound in ms, 0 when off: as written, else 3000 with MAVLink framing and off with raw. */
    public int effectiveSilenceMs() {
        if (silenceMs != UNSET) {
            return silenceMs;
        }
        return framing == Framing.MAVLINK ? DEFAULT_SILENCE_MS : 0;
    }

    /** TCP keepalive idle time in s, 0 when off. */
    public int effectiveKeepaliveS() {
        return keepaliveS == UNSET ? DEFAULT_KEEPALIVE_S : keepaliveS;
    }

    /**
     * These options with the silence watchdog at {@code ms} unless the endpoint set it: for ends whose peer need not
     * talk (the virtual board's end of the link to the host, a send-only tap, a ground station).
     */
    public LinkOptions silenceUnlessGiven(int ms) {
        return silenceMs != UNSET ? this : new LinkOptions(dataBits, parity, stopBits, flow, framing, signingKey,
                signingLinkId, ms, keepaliveS);
    }

    /** Bits one byte occupies on the wire: start bit, data bits, parity bit if any, stop bits (rounded up). */
    public int bitsPerByte() {
        return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + (int) Math.ceil(stopBits.bits);
    }

    /** The serial format as written in an endpoint, e.g. {@code 8N1}. */
    public String format() {
        return dataBits + "" + parity.letter + stopBits.text;
    }

    public LinkOptions withSigning(Path key, int linkId) {
        return new LinkOptions(dataBits, parity, stopBits, flow, framing, key, linkId, silenceMs, keepaliveS);
    }

    /** Parses {@code key=value} options; {@code serial} says whether serial-only options are allowed. */
    static LinkOptions parse(List<String> options, boolean serial, boolean tcp, String whole) {
        int dataBits = DEFAULTS.dataBits;
        Parity parity = DEFAULTS.parity;
        StopBits stop = DEFAULTS.stopBits;
        Flow flow = DEFAULTS.flow;
        Framing framing = DEFAULTS.framing;
        Path key = null;
        int linkId = 0;
        int silenceMs = UNSET;
        int keepaliveS = UNSET;
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("endpoint '" + whole + "': option '" + option + "' is not key=value "
                        + "(known: format=8N1, flow=none|rtscts|xonxoff, framing=mavlink|raw, signing-key=FILE, link-id=N, silence-ms=N, keepalive-s=N)");
            }
            String name = option.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = option.substring(eq + 1).trim();
            switch (name) {
                case "format" -> {
                    requireSerial(serial, name, whole);
                    String v = value.toUpperCase(Locale.ROOT);
                    if (!v.matches("[5-8][NEOMS](1|1\\.5|2)")) {
                        throw new IllegalArgumentException("endpoint '" + whole + "': format '" + value
                                + "' is not DATA PARITY STOP like 8N1, 7E1 or 8N2 (data 5..8, parity N/E/O/M/S, stop 1, 1.5 or 2)");
                    }
                    dataBits = v.charAt(0) - '0';
                    parity = switch (v.charAt(1)) {
                        case 'E' -> Parity.EVEN;
                        case 'O' -> Parity.ODD;
                        case 'M' -> Parity.MARK;
                        case 'S' -> Parity.SPACE;
                        default -> Parity.NONE;
                    };
                    stop = switch (v.substring(2)) {
                        case "2" -> StopBits.TWO;
                        case "1.5" -> StopBits.ONE_POINT_FIVE;
                        default -> StopBits.ONE;
                    };
                }
                case "flow" -> {
                    requireSerial(serial, name, whole);
                    flow = switch (value.toLowerCase(Locale.ROOT)) {
                        case "none" -> Flow.NONE;
                        case "rtscts" -> Flow.RTSCTS;
                        case "xonxoff" -> Flow.XONXOFF;
                        default -> throw new IllegalArgumentException("endpoint '" + whole + "': flow '" + value
                                + "' is not none, rtscts or xonxoff");
                    };
                }
                case "framing" -> framing = switch (value.toLowerCase(Locale.ROOT)) {
                    case "mavlink" -> Framing.MAVLINK;
                    case "raw" -> Framing.RAW;
                    default -> throw new IllegalArgumentException("endpoint '" + whole + "': framing '" + value
                            + "' is not mavlink or raw");
                };
                case "signing-key" -> {
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("endpoint '" + whole + "': signing-key names no file");
                    }
                    key = Path.of(value);
                }
                case "link-id" -> {
                    try {
                        linkId = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("endpoint '" + whole + "': link-id '" + value + "' is not a number", e);
                    }
                    if (linkId < 0 || linkId > 255) {
                        throw new IllegalArgumentException("endpoint '" + whole + "': link-id " + linkId + " is outside 0..255");
                    }
                }
                case "silence-ms" -> silenceMs = boundedInt(value, name, 0, MAX_SILENCE_MS, "0 = off", whole);
                case "keepalive-s" -> {
                    if (!tcp) {
                        throw new IllegalArgumentException("endpoint '" + whole + "': option 'keepalive-s' applies to tcp: and tcp-listen: only");
                    }
                    keepaliveS = boundedInt(value, name, 0, MAX_KEEPALIVE_S, "0 = off", whole);
                }
                default -> throw new IllegalArgumentException("endpoint '" + whole + "': unknown option '" + name
                        + "' (known: format, flow, framing, signing-key, link-id, silence-ms, keepalive-s)");
            }
        }
        if (framing == Framing.RAW && key != null) {
            throw new IllegalArgumentException("endpoint '" + whole + "': signing needs framing=mavlink");
        }
        return new LinkOptions(dataBits, parity, stop, flow, framing, key, linkId, silenceMs, keepaliveS);
    }

    private static int boundedInt(String value, String name, int min, int max, String note, String whole) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + whole + "': " + name + " '" + value
                    + "' is not a whole number (" + min + ".." + max + ", " + note + ")", e);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("endpoint '" + whole + "': " + name + " " + v + " is outside "
                    + min + ".." + max + " (" + note + ")");
        }
        return (int) v;
    }

    private static void requireSerial(boolean serial, String name, String whole) {
        if (!serial) {
            throw new IllegalArgumentException("endpoint '" + whole + "': option '" + name + "' applies to serial: and pty: only");
        }
    }

    /** The options that differ from the defaults, as {@code ,key=value} text (empty if none). */
    String suffix(boolean serial) {
        List<String> parts = new ArrayList<>();
        if (serial && (dataBits != 8 || parity != Parity.NONE || stopBits != StopBits.ONE)) {
            parts.add("format=" + format());
        }
        if (serial && flow != Flow.NONE) {
            parts.add("flow=" + flow.name().toLowerCase(Locale.ROOT));
        }
        if (framing != Framing.MAVLINK) {
            parts.add("framing=raw");
        }
        if (signingKey != null) {
            parts.add("signing-key=" + signingKey);
        }
        if (signingLinkId != 0) {
            parts.add("link-id=" + signingLinkId);
        }
        if (silenceMs != UNSET) {
            parts.add("silence-ms=" + silenceMs);
        }
        if (keepaliveS != UNSET) {
            parts.add("keepalive-s=" + keepaliveS);
        }
        return parts.isEmpty() ? "" : "," + String.join(",", parts);
    }
}
