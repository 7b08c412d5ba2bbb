package nettboot.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sockets, real JDK TLS 1.2 with client authentication required: the server presents
 * server.crt (leaf + root) and trusts only the platform root, as the boot listener does.
 */
class TlsHandshakeTest {
  static final String DOMAIN = "boot.example.net";
  static final char[] PW = "test-only".toCharArray();

  @TempDir Path tmp;
  private ExecutorService executor;
  private EmbeddedCa ca;
  private InetAddress loopback;

  @BeforeEach
  void setUp() {
    executor = Executors.newSingleThreadExecutor();
    loopback = InetAddress.getLoopbackAddress();
    ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("::1", "127.0.0.1", "localhost"), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void tenantClientAndServerCompleteAnMtlsHandshakeOverTls12() throws Exception {
    IssuedCredential tenant = ca.issueTenant("acme");
    try (SSLServerSocket server = serverSocket()) {
      Future<ClientIdentity> seen = executor.submit(() -> serveOnce(server));
      try (SSLSocket client = clientSocket(server.getLocalPort(), keyManagers(tenant.keyPath(), tenant.certificatePath()))) {
        client.startHandshake();
        assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(client.getSession().getCipherSuite()).contains("ECDHE_ECDSA");
        // the server sends its full chain, root included (iPXE pins the root by fingerprint)
        Certificate[] peer = client.getSession().getPeerCertificates();
        assertThat(peer).hasSize(2);
        assertThat(peer[1]).isEqualTo(ca.rootCertificate());
        String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(line).isEqualTo("hello acme");
      }
      assertThat(seen.get(20, TimeUnit.SECONDS))
          .isEqualTo(new ClientIdentity.Tenant("acme", "CN=acme.boot.example.net,OU=tenant,O=nett-boot"));
    }
  }

  @Test
  void adminClientIsIdentifiedAsAdmin() throws Exception {
    IssuedCredential admin = ca.issueAdmin("alice");
    try (SSLServerSocket server = serverSocket()) {
      Future<ClientIdentity> seen = executor.submit(() -> serveOnce(server));
      try (SSLSocket client = clientSocket(server.getLocalPort(), keyManagers(admin.keyPath(), admin.certificatePath()))) {
        client.startHandshake();
        client.getInputStream().read();
      }
      assertThat(seen.get(20, TimeUnit.SECONDS)).isInstanceOf(ClientIdentity.Admin.class);
    }
  }

  @Test
  void clientCertificateFromAnUnrelatedCaIsRefusedAtTheHandshake() throws Exception {
    EmbeddedCa rogue = EmbeddedCa.init(tmp.resolve("rogue"), DOMAIN, List.of("::1"), Clock.systemUTC());
    IssuedCredential forged = rogue.issueTenant("acme");
    try (SSLServerSocket server = serverSocket()) {
      Future<ClientIdentity> seen = executor.submit(() -> serveOnce(server));
      try (SSLSocket client = clientSocket(server.getLocalPort(), keyManagers(forged.keyPath(), forged.certificatePath()))) {
        assertThatThrownBy(() -> {
          client.startHandshake();
          client.getInputStream().read(); // the alert may only surface on the first read
        }).isInstanceOf(IOException.class);
      }
      assertThatThrownBy(() -> seen.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void clientWithoutCertificateIsRefusedAtTheHandshake() throws Exception {
    try (SSLServerSocket server = serverSocket()) {
      Future<ClientIdentity> seen = executor.submit(() -> serveOnce(server));
      try (SSLSocket client = clientSocket(server.getLocalPort(), null)) {
        assertThatThrownBy(() -> {
          client.startHandshake();
          client.getInputStream().read();
        }).isInstanceOf(IOException.class);
      }
      assertThatThrownBy(() -> seen.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(SSLHandshakeException.class);
    }
  }

  // ---- helpers

  private ClientIdentity serveOnce(SSLServerSocket server) throws IOException {
    try (SSLSocket s = (SSLSocket) server.accept()) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      ClientIdentity id = ClientIdentity.of(peer, DOMAIN);
      String name = switch (id) {
        case ClientIdentity.Tenant t -> t.name();
        case ClientIdentity.Admin a -> a.name();
        case ClientIdentity.Unrecognised u -> "?";
      };
      OutputStream out = s.getOutputStream();
      out.write(("hello " + name + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return id;
    }
  }

  private SSLServerSocket serverSocket() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.2");
    ctx.init(keyManagers(ca.serverKeyPath(), ca.serverCertPath()), trustRoot(ca.rootCertificate()).getTrustManagers(), null);
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5, loopback);
    s.setEnabledProtocols(new String[] {"TLSv1.2"});
    s.setNeedClientAuth(true);
    s.setSoTimeout(20_000);
    return s;
  }

  private SSLSocket clientSocket(int port, KeyManager[] keyManagers) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.2");
    ctx.init(keyManagers, trustRoot(ca.rootCertificate()).getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(loopback.getHostAddress(), port);
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(new String[] {"TLSv1.2"});
    p.setEndpointIdentificationAlgorithm("HTTPS"); // checks the IP SAN against the address dialled
    s.setSSLParameters(p);
    return s;
  }

  private static KeyManager[] keyManagers(Path keyFile, Path certFile) throws Exception {
    PrivateKey key = Pem.readPrivateKey(keyFile);
    List<X509Certificate> chain = Pem.readCertificates(certFile);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("key", key, PW, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PW);
    return kmf.getKeyManagers();
  }

  private static TrustManagerFactory trustRoot(X509Certificate root) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    return tmf;
  }
}
