package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds free TCP ports on 127.0.0.1.
 *
 * <p>A port is free at the moment it is returned; whoever binds it next wins, so callers should
 * bind it promptly. Within one JVM the same port is never handed out twice in a row of
 * {@value #REMEMBERED} calls, which keeps two services started back to back from colliding.
 *
 * <p>Thread-safe.
 */
public final class FreePorts {

    private static final int REMEMBERED = 1024;
    private static final int MAX_ATTEMPTS = 100;
    private static final InetAddress LOOPBACK = loopback();

    // The kernel may offer the port it just released again on the next bind(0), before the first
    // caller's service has bound it; remembering recent answers avoids that collision.
    private static final Deque<Integer> recentOrder = new ArrayDeque<>();
    private static final Set<Integer> recent = new HashSet<>();

    private FreePorts() {}

    /**
     * Returns a TCP port on 127.0.0.1 that nothing listens on right now.
     *
     * @throws UncheckedIOException if no socket can be bound at all
     * @throws IllegalStateException if no fresh port turns up after many attempts
     */
    public static int find() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = probe();
            if (remember(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free TCP port on 127.0.0.1 after " + MAX_ATTEMPTS + " attempts");
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind any TCP port on 127.0.0.1", e);
        }
    }

    private static synchronized boolean remember(int port) {
        if (!recent.add(port)) {
            return false;
        }
        recentOrder.addLast(port);
        if (recentOrder.size() > REMEMBERED) {
            recent.remove(recentOrder.removeFirst());
        }
        return true;
    }

    private static InetAddress loopback() {
        try {
            // Explicitly IPv4: the services are told to bind 127.0.0.1, not ::1.
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
