package io.weft.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a loopback port to another, so that a test can make a server appear at an address where nothing
 * answered before (a database coming back), without touching the server, which other runs share.
 */
public final class TcpForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TcpForwarder(ServerSocket server, int target) {
        this.server = server;
        this.target = target;
    }

    /** A port where nothing listens now (a {@link #start} on it makes it answer). */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Listens on 127.0.0.1:{@code port} and forwards every connection to 127.0.0.1:{@code target}. */
    public static TcpForwarder start(int port, int target) throws IOException {
        TcpForwarder forwarder = new TcpForwarder(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()), target);
        daemon(forwarder::accept, "forwarder-accept");
        return forwarder;
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                daemon(() -> pump(client, upstream), "forwarder-up");
                daemon(() -> pump(upstream, client), "forwarder-down");
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops listening and cuts every forwarded connection. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
