package io.streamgate.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Raw socket helpers for tests: the harness has no client libraries. */
final class TestSockets {

    private TestSockets() {}

    /** Sends {@code raw} (RESP bytes) to Redis and returns the first reply line. */
    static String redis(int port, String raw) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static boolean accepts(int port) {
        return Probes.canConnect("127.0.0.1", port);
    }

    /** Whether this JVM can bind {@code port} on 127.0.0.1, i.e. nobody holds it. */
    static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
