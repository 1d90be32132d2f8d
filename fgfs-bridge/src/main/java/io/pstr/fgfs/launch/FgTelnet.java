package io.pstr.fgfs.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client of FlightGear's property server ({@code --telnet=socket,bi,10,127.0.0.1,PORT,tcp}) in its {@code data}
 * mode: {@code get} answers the bare value, a missing property an empty line. Blocking, one caller at a time.
 */
public final class FgTelnet implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private FgTelnet(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
        command("data");
    }

    /** Connects (the server must already listen). @throws IOException if nothing answers */
    public static FgTelnet connect(String host, int port, int timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            return new FgTelnet(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** True if a property server answers on the port. */
    public static boolean answers(String host, int port) {
        try (FgTelnet t = connect(host, port, 1000)) {
            return !t.get("/sim/fg-root").isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private void command(String line) throws IOException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a telnet command is one line");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The property's value as text; empty when it does not exist. */
    public String get(String path) throws IOException {
        command("get " + path);
        String line = in.readLine();
        if (line == null) {
            throw new IOException("FlightGear closed the property server connection");
        }
        return line.trim();
    }

    /** The property as a number. @throws IOException if it is missing or not a number */
    public double getDouble(String path) throws IOException {
        String v = get(path);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IOException("property " + path + " is '" + v + "', not a number", e);
        }
    }

    /** Sets a property (data mode sends no answer). */
    public void set(String path, String value) throws IOException {
        command("set " + path + " " + value);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket we are done with: nothing to do
        }
    }
}
