package org.pydl4j.zoo;

import static org.junit.Assert.*;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Cache resolution against a loopback HTTP server: download, checksum, offline message. No outside network. */
public class PretrainedCacheTest {
    private HttpServer server;
    private Path dir;
    private final byte[] payload = "pretend weights: 0123456789".repeat(5000).getBytes(StandardCharsets.UTF_8);

    @Before
    public void start() throws IOException {
        dir = Files.createTempDirectory("pydl4j-cache");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/w.zip", ex -> {
            ex.sendResponseHeaders(200, payload.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(payload); }
        });
        server.createContext("/models/short.zip", ex -> {
            ex.sendResponseHeaders(200, payload.length);   // promises more than it sends
            try (OutputStream o = ex.getResponseBody()) { o.write(payload, 0, 100); } catch (IOException ignored) { }
        });
        server.start();
    }

    @After
    public void stop() { server.stop(0); }

    private void assertNoPartFiles() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertTrue("no temporary .part files left", files.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
        }
    }

    private String url(String p) { return "http://127.0.0.1:" + server.getAddress().getPort() + p; }

    private long adler() { Adler32 a = new Adler32(); a.update(payload); return a.getValue(); }

    @Test
    public void downloadsVerifiesAndThenServesFromCache() throws IOException {
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        PretrainedCache cache = new PretrainedCache(dir, new PrintStream(bar));
        WeightSource src = new WeightSource("w.zip", url("/models/w.zip"), Checksum.adler32(adler()), WeightSource.Format.DL4J_ZIP);
        Path p = cache.resolve(src, "");
        assertArrayEquals(payload, Files.readAllBytes(p));
        assertTrue(bar.toString().contains("100%"));
        assertNoPartFiles();
        server.stop(0);   // second resolve must not touch the network
        assertEquals(p, cache.resolve(src, ""));
    }

    @Test
    public void checksumMismatchKeepsNothing() throws IOException {
        PretrainedCache cache = new PretrainedCache(dir, null);
        WeightSource src = new WeightSource("w.zip", url("/models/w.zip"), Checksum.adler32(adler() + 1), WeightSource.Format.DL4J_ZIP);
        IOException e = assertThrows(IOException.class, () -> cache.resolve(src, ""));
        assertTrue(e.getMessage(), e.getMessage().contains("checksum mismatch"));
        assertFalse(Files.exists(dir.resolve("w.zip")));
        assertNoPartFiles();
    }

    @Test
    public void truncatedDownloadIsAnErrorAndLeavesNoFile() {
        PretrainedCache cache = new PretrainedCache(dir, null).readTimeout(1000);
        WeightSource src = new WeightSource("s.zip", url("/models/short.zip"), null, WeightSource.Format.DL4J_ZIP);
        assertThrows(PretrainedUnavailableException.class, () -> cache.resolve(src, ""));
        assertFalse(Files.exists(dir.resolve("s.zip")));
    }

    @Test
    public void offlineErrorNamesFileAddressAndAlternatives() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) { closedPort = s.getLocalPort(); }
        String address = "http://127.0.0.1:" + closedPort + "/models/vgg16_dl4j_inference.zip";
        WeightSource src = new WeightSource("vgg16_dl4j_inference.zip", address, Checksum.adler32(3501732770L), WeightSource.Format.DL4J_ZIP);
        PretrainedUnavailableException e = assertThrows(PretrainedUnavailableException.class,
                () -> new PretrainedCache(dir, null).resolve(src, "import Keras weights instead"));
        assertTrue(e.getMessage().contains("vgg16_dl4j_inference.zip"));
        assertTrue(e.getMessage().contains(address));
        assertTrue(e.getMessage().contains("import Keras weights instead"));
        assertTrue(e.getMessage().contains(dir.toString()));
    }

    @Test
    public void offlineErrorReadsAsSentences() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) { closedPort = s.getLocalPort(); }
        WeightSource src = new WeightSource("w.zip", "http://127.0.0.1:" + closedPort + "/w.zip", null,
                WeightSource.Format.DL4J_ZIP);
        for (String alternatives : new String[] {"Alternatives: import them.", "Or pass the file."}) {
            String message = assertThrows(PretrainedUnavailableException.class,
                    () -> new PretrainedCache(dir, null).resolve(src, alternatives)).getMessage();
            assertFalse(message, message.contains("or Alternatives") || message.contains("or Or"));
            assertTrue(message, message.endsWith(". " + alternatives));
        }
    }

    @Test
    public void checksumAlgorithms() throws IOException {
        Path f = dir.resolve("x");
        Files.write(f, "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals("900150983cd24fb0d6963f7d28e17f72", Checksum.md5("0").compute(f));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksum.sha256("0").compute(f));
        assertEquals(Long.toString(0x024d0127L), Checksum.adler32(0).compute(f));
    }
}
