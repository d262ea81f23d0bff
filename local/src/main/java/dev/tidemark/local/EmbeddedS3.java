package dev.tidemark.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server on loopback: S3Proxy 4.1.0 with its filesystem backend, in a process of
 * its own ({@code java -jar local/target/s3proxy/s3proxy.jar}), for s3a:// tests and the demo.
 * Buckets are folders under {@code dataDir}. The credentials are whatever the caller passes; they
 * are written only to the server's own properties file and never logged.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

  private final Process process;
  private final String endpoint;
  private final Path dataDir;

  private EmbeddedS3(Process process, String endpoint, Path dataDir) {
    this.process = process;
    this.endpoint = endpoint;
    this.dataDir = dataDir;
  }

  /**
   * The S3Proxy jar: system property tidemark.s3proxy.jar, else local/target/s3proxy/s3proxy.jar
   * (from the checkout).
   */
  public static Path proxyJar() {
    return Path.of(System.getProperty("tidemark.s3proxy.jar", "local/target/s3proxy/s3proxy.jar"));
  }

  public static EmbeddedS3 start(
      Path dataDir, List<String> buckets, String accessKey, String secretKey) throws Exception {
    Path jar = proxyJar().toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found; build with mvn package (or compile)");
    }
    Files.createDirectories(dataDir);
    for (String bucket : buckets) {
      Files.createDirectories(dataDir.resolve(bucket));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", endpoint);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", accessKey);
    p.setProperty("s3proxy.credential", secretKey);
    p.setProperty("jclouds.provider", "filesystem-nio2");
    p.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
    Path props = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
    try (var out = Files.newOutputStream(props)) {
      p.store(out, "S3Proxy for Tidemark tests and demo");
    }
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                props.toString())
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
            .start();
    EmbeddedS3 s3 = new EmbeddedS3(process, endpoint, dataDir);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited; see " + dataDir.getFileName() + ".log");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        LOG.info("S3Proxy listening on {}, data in {}", endpoint, dataDir);
        return s3;
      } catch (IOException notYet) {
        Thread.sleep(300);
      }
    }
    s3.close();
    throw new IllegalStateException("S3Proxy did not listen on " + endpoint);
  }

  public String endpoint() {
    return endpoint;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
