package io.pstr.core.link;

import java.util.Locale;
import java.util.Objects;

/**
 * A board-link endpoint in the one syntax used everywhere:
 * {@code serial:/dev/ttyUSB0:115200}, {@code tcp:host:port}, {@code tcp-listen:port},
 * {@code udp:host:port}, {@code udp-listen:port}, {@code pty:PATH} (a pty made by socat, opened as a serial device).
 */
public record Endpoint(Kind kind, String host, int port, String path, int baudRate) {

    /** Rate assumed when an endpoint names none: the paper's 115200 bit/s serial port. */
    public static final int DEFAULT_BAUD = 115_200;

    public enum Kind { SERIAL, PTY, TCP, TCP_LISTEN, UDP, UDP_LISTEN }

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        for (String part : new String[] {host, path}) {
            if (part != null && part.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("endpoint host or path '" + part + "' has a space or a control character");
            }
        }
    }

    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty endpoint: expected e.g. tcp:127.0.0.1:5760, tcp-listen:5760, serial:/dev/ttyUSB0:115200");
        }
        String s = text.trim();
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("endpoint '" + s + "' has no kind: expected serial:, pty:, tcp:, tcp-listen:, udp: or udp-listen:");
        }
        String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = s.substring(colon + 1);
        switch (kind) {
            case "tcp":
                return hostPort(Kind.TCP, rest, s);
            case "udp":
                return hostPort(Kind.UDP, rest, s);
            case "tcp-listen":
                return new Endpoint(Kind.TCP_LISTEN, "127.0.0.1", port(rest, s), null, DEFAULT_BAUD);
            case "udp-listen":
                return new Endpoint(Kind.UDP_LISTEN, "127.0.0.1", port(rest, s), null, DEFAULT_BAUD);
            case "serial":
            case "pty": {
                Kind k = kind.equals("serial") ? Kind.SERIAL : Kind.PTY;
                String path = rest;
                int baud = DEFAULT_BAUD;
                int last = rest.lastIndexOf(':');
                if (last > 0 && rest.substring(last + 1).chars().allMatch(Character::isDigit) && last < rest.length() - 1) {
                    path = rest.substring(0, last);
                    baud = parseInt(rest.substring(last + 1), "baud rate", s);
                    if (baud <= 0) {
                        throw new IllegalArgumentException("endpoint '" + s + "': baud rate must be positive");
                    }
                }
                if (path.isEmpty() && k == Kind.SERIAL) {
                    throw new IllegalArgumentException("endpoint '" + s + "' names no device: expected serial:/dev/ttyUSB0:115200");
                }
                return new Endpoint(k, null, 0, path, baud);
            }
            default:
                throw new IllegalArgumentException("endpoint '" + s + "': unknown kind '" + kind
                        + "' (expected serial, pty, tcp, tcp-listen, udp or udp-listen)");
        }
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
        return switch (kind) {
            case TCP -> "tcp:" + host + ":" + port;
            case UDP -> "udp:" + host + ":" + port;
            case TCP_LISTEN -> "tcp-listen:" + port;
            case UDP_LISTEN -> "udp-listen:" + port;
            case SERIAL -> "serial:" + path + ":" + baudRate;
            // The rate is written when the path could swallow it or it is not the default, so the text parses back the same.
            case PTY -> baudRate == DEFAULT_BAUD && path.indexOf(':') < 0 ? "pty:" + path : "pty:" + path + ":" + baudRate;
        };
    }
}
