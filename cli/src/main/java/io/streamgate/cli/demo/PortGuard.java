package io.streamgate.cli.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before anything starts, that the ports the demo will listen on are free, so a clash is
 * reported up front with the flag that moves it rather than as a child's bind error later.
 * Stateless and thread-safe.
 */
public final class PortGuard {
  /** A port the demo needs, what uses it, and the flag that changes it. */
  public record Need(int port, String user, String flag) {}

  private PortGuard() {}

  /** Whether nothing listens on {@code port} on any local address. */
  public static boolean isFree(int port) {
    // Binding the wildcard address fails if any local address listens on the port. SO_REUSEADDR
    // as servers use it: connections of a previous run in TIME_WAIT must not count as "in use".
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * One line per taken port, e.g. {@code port 8080 (gateway HTTP) is already in use: stop what
   * listens there or pick another with --port}; empty if all are free. Also reports the same port
   * given for two uses.
   */
  public static List<String> problems(List<Need> needs) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < needs.size(); i++) {
      Need need = needs.get(i);
      for (int j = 0; j < i; j++) {
        if (needs.get(j).port() == need.port()) {
          problems.add("port " + need.port() + " is given for both " + needs.get(j).user() + " ("
              + needs.get(j).flag() + ") and " + need.user() + " (" + need.flag() + "): pick different ports");
        }
      }
      if (!isFree(need.port())) {
        problems.add("port " + need.port() + " (" + need.user() + ") is already in use: stop what listens there"
            + " or pick another with " + need.flag());
      }
    }
    return problems;
  }
}
