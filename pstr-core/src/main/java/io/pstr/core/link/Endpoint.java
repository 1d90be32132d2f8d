package io.pstr.core.link;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A link endpoint in the one syntax used everywhere: {@code KIND:ADDRESS[,key=value]...}
 * <ul>
 *   <li>{@code serial:/dev/ttyUSB0:115200} (the baud rate is optional, default 115200),
 *       {@code pty:PATH} (a pty made by socat, opened as a serial device)</li>
 *   <li>{@code tcp:HOST:PORT}, {@code tcp-listen:PORT}, {@code udp:HOST:PORT}, {@code udp-listen:PORT}
 *       (listeners bind 127.0.0.1; port 0 takes any free port)</li>
 * </ul>
 * followed by options ({@link LinkOptions}), e.g.
 * {@code serial:/dev/ttyACM0:921600,format=8E1,flow=rtscts,signing-key=board.key}.
 */
public record Endpoint(Kind kind, String host, int port, String path, int baudRate, LinkOptions options) {

    /** Rate assumed when an endpoint names none: the paper's 115200 bit/s serial port. */
    public static final int DEFAULT_BAUD = 115_200;

    /** What {@code --help} texts quote. */
    public static final String SYNTAX = "serial:DEVICE[:BAUD], pty:PATH, tcp:HOST:PORT, tcp-listen:PORT, udp:HOST:PORT or "
            + "udp-listen:PORT, then options ,format=8N1 ,flow=none|rtscts|xonxoff (serial) ,framing=mavlink|raw "
            + ",signing-key=FILE ,link-id=N ,silence-ms=N (no byte for N ms = link down; default 3000 with mavlink "
            + "framing, 0 = off) ,keepalive-s=N (tcp, default 2, 0 = off)";

    public enum Kind { SERIAL, PTY, TCP, TCP_LISTEN, UDP, UDP_LISTEN }

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(options, "options");
        for (String part : new String[] {host, path}) {
            if (part != null && part.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("endpoint host or path '" + part + "' has a space or a control character");
            }
        }
    }

    public Endpoint(Kind kind, String host, int port, String path, int baudRate) {
        this(kind, host, port, path, baudRate, LinkOptions.DEFAULTS);
    }

    public boolean isSerial() {
        return kind == Kind.SERIAL || kind == Kind.PTY;
    }

    /** The same endpoint with other options. */
    public Endpoint withOptions(LinkOptions o) {
        return new Endpoint(kind, host, port, path, baudRate, o);
    }

    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty endpoint: expected e.g. tcp:127.0.0.1:5760, tcp-listen:5760, serial:/dev/ttyUSB0:115200");
        }
        String s = text.trim();
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("endpoint '" + s + "' has no kind: expected " + SYNTAX);
        }
        String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
        List<String> parts = Arrays.asList(s.substring(colon + 1).split(",", -1));
        String rest = parts.get(0);
        List<String> optionTexts = parts.subList(1, parts.size());
        boolean serial = kind.equals("serial") || kind.equals("pty");
        Endpoint base = switch (kind) {
            case "tcp" -> hostPort(Kind.TCP, rest, s);
            case "udp" -> hostPort(Kind.UDP, rest, s);
            case "tcp-listen" -> new Endpoint(Kind.TCP_LISTEN, "127.0.0.1", port(rest, s), null, DEFAULT_BAUD);
            case "udp-listen" -> new Endpoint(Kind.UDP_LISTEN, "127.0.0.1", port(rest, s), null, DEFAULT_BAUD);
            case "serial", "pty" -> serial(kind.equals("serial") ? Kind.SERIAL : Kind.PTY, rest, s);
            default -> throw new IllegalArgumentException("endpoint '" + s + "': unknown kind '" + kind
                    + "' (expected serial, pty, tcp, tcp-listen, udp or udp-listen)");
        };
        boolean tcp = kind.equals("tcp") || kind.equals("tcp-listen");
        return base.withOptions(LinkOptions.parse(optionTexts, serial, tcp, s));
    }

    private static Endpoint serial(Kind k, String rest, String whole) {
        String path = rest;
        int baud = DEFAULT_BAUD;
        int last = rest.lastIndexOf(':');
        if (last > 0 && last < rest.length() - 1) {
            String tail = rest.substring(last + 1);
            if (tail.chars().allMatch(Character::isDigit)) {
                path = rest.substring(0, last);
                baud = parseInt(tail, "baud rate", whole);
                if (baud <= 0) {
                    throw new IllegalArgumentException("endpoint '" + whole + "': baud rate must be positive");
                }
            } else if (tail.matches("[5-8][NEOMSneoms][12].*")) {
                throw new IllegalArgumentException("endpoint '" + whole + "': write the serial format as an option, e.g. "
                        + "serial:" + rest.substring(0, last) + ",format=" + tail);
            }
        }
        if (path.isEmpty() && k == Kind.SERIAL) {
            throw new IllegalArgumentException("endpoint '" + whole + "' names no device: expected serial:/dev/ttyUSB0:115200");
        }
        return new Endpoint(k, null, 0, path, baud);
    }

    private static Endpoint hostPort(Kind kind, String rest, String whole) {
        int last = rest.lastIndexOf(':');
        if (last <= 0) {
            throw new IllegalArgumentException("endpoint '" + whole + "': expected " + kind.name().toLowerCase(Locale.ROOT) + ":HOST:PORT");
        }
        return new Endpoint(kind, rest.substring(0, last), port(rest.substring(last + 1), whole), null, DEFAULT_BAUD);
    }

    private static int port(String text, String whole) {
        int p = parseInt(text, "port", whole);
        if (p < 0 || p > 65_535) {
            throw new IllegalArgumentException("endpoint '" + whole + "': port " + p + " is outside 0..65535");
        }
        return p;
    }

    private static int parseInt(String text, String what, String whole) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + whole + "': " + what + " '" + text + "' is not a number", e);
        }
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case TCP -> "tcp:" + host + ":" + port;
            case UDP -> "udp:" + host + ":" + port;
            case TCP_LISTEN -> "tcp-listen:" + port;
            case UDP_LISTEN -> "udp-listen:" + port;
            case SERIAL -> "serial:" + path + ":" + baudRate;
            // The rate is written when the path could swallow it or it is not the default, so the text parses back the same.
            case PTY -> baudRate == DEFAULT_BAUD && path.indexOf(':') < 0 ? "pty:" + path : "pty:" + path + ":" + baudRate;
        };
        return base + options.suffix(isSerial());
    }
}
