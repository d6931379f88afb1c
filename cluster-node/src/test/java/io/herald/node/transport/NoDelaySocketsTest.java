package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

class NoDelaySocketsTest {

  @Test
  void plainSocketsHaveNaglesAlgorithmOff() throws Exception {
    try (Socket socket = NoDelaySockets.plain().createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
  }

  @Test
  void tlsSwitchesItOffOnThePlainSocketItWraps() throws Exception {
    SSLSocketFactory tls = NoDelaySockets.tls((SSLSocketFactory) SSLSocketFactory.getDefault());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket wrapped = tls.createSocket(plain, "localhost", server.getLocalPort(), true)) {
      assertThat(plain.getTcpNoDelay()).isTrue();
      assertThat(wrapped.getTcpNoDelay()).isTrue();
    }
  }
}
