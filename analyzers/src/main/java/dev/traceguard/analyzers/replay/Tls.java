package dev.traceguard.analyzers.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS settings for OTLP/HTTP from the exporter's PEM files. */
final class Tls {
  private Tls() {}

  /**
   * An SSL context trusting {@link ExporterConfig#certificate()} (or the system's trust store) and
   * presenting the client certificate when both client files are set; null when nothing is set.
   *
   * @throws IllegalArgumentException naming the file when one cannot be read
   */
  static SSLContext sslContext(ExporterConfig config) {
    if (config.certificate() == null && config.clientCertificate() == null) {
      return null;
    }
    try {
      TrustManagerFactory tmf = null;
      if (config.certificate() != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(config.certificate())) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (config.clientCertificate() != null) {
        if (config.clientKey() == null) {
          throw new IllegalArgumentException("a client certificate needs a client key (--client-key)");
        }
        Collection<? extends Certificate> chain = certificates(config.clientCertificate());
        PrivateKey key = privateKey(config.clientKey());
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("TLS setup failed: " + e.getMessage());
    }
  }

  private static Collection<? extends Certificate> certificates(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(p + ": not a PEM certificate file (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(p + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey privateKey(Path p) throws IOException {
    String pem = Files.readString(p, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new IllegalArgumentException(p + ": expected an unencrypted PKCS#8 PEM key"
          + " (BEGIN PRIVATE KEY); convert with: openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(p + ": not an RSA, EC or Ed25519 key");
  }
}
