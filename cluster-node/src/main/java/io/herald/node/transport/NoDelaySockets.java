package io.herald.node.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for Jakarta Mail that switch Nagle's algorithm off (TCP_NODELAY).
 *
 * <p>SMTP is a conversation of short writes, each waiting for a reply. With Nagle's algorithm on,
 * the last short segment of a letter (the end of DATA) is held back until the previous one is
 * acknowledged, and a server that delays its acknowledgements (40 ms on Linux) makes every letter
 * wait that long: measured against Postfix's smtp-sink, 16 connections carried about 360 letters/s
 * instead of thousands. Jakarta has no setting for it, only these factory hooks.
 */
final class NoDelaySockets {

  private NoDelaySockets() {}

  /** Plain sockets, for SMTP and STARTTLS (which wraps the plain socket later). */
  static SocketFactory plain() {
    return new Plain();
  }

  /**
   * TLS from the first byte: Jakarta connects a plain socket and asks this factory to wrap it, so
   * the option is set on the plain socket before {@code tls} wraps it.
   */
  static SSLSocketFactory tls(SSLSocketFactory tls) {
    return new Tls(tls);
  }

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }

  private static final class Plain extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      return noDelay(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(new Socket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(new Socket(host, port, local, localPort));
    }
  }

  private static final class Tls extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    Tls(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose)
        throws IOException {
      return delegate.createSocket(noDelay(plain), host, port, autoClose);
    }

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }
  }
}
