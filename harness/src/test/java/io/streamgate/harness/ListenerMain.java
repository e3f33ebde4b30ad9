package io.streamgate.harness;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Child-JVM main for tests: listens on 127.0.0.1:{@code args[0]} until stopped. On SIGTERM it
 * prints "stopping"; with {@code args[1]} "stubborn" it then never exits, so only SIGKILL ends it.
 */
public final class ListenerMain {

    private ListenerMain() {}

    public static void main(String[] args) throws Exception {
        boolean stubborn = args.length > 1 && args[1].equals("stubborn");
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping");
            System.out.flush();
            if (stubborn) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        System.out.println("listening on " + server.getLocalPort());
        while (true) {
            server.accept().close();
        }
    }
}
