package nettboot.qemu;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A "metadata server" that accepts TCP connections and never answers (not even the TLS
 * handshake). Runs in its own JVM inside the lab's TOR namespace: {@code ADDRESS PORT}.
 */
public final class SilentListener {
  private SilentListener() {}

  public static void main(String[] args) throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 50);
      System.out.println("listening on [" + args[0] + "]:" + args[1]);
      System.out.flush();
      while (true) {
        Socket c = s.accept();
        held.add(c); // keep it open, read nothing, write nothing
        System.out.println("accepted " + c.getRemoteSocketAddress());
        System.out.flush();
      }
    }
  }
}
