package org.pydl4j.util.serde;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A full disk while a file is replaced: a {@link DiskFullException} naming the file, bytes written and free; the old content stays. */
public class AtomicFilesDiskFullTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    private static final AtomicFiles.Writer FILLS_AFTER_3000 = out -> {
        out.write(new byte[3000]);
        out.flush();
        throw new IOException("No space left on device");
    };

    @Test
    public void aWriteFailingOnAFullDeviceNamesTheFileWrittenAndFreeBytes() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("model.zip");
        Files.write(target, "old".getBytes(StandardCharsets.UTF_8));
        try {
            AtomicFiles.write(target, FILLS_AFTER_3000, dir -> 4096);
            fail("expected DiskFullException");
        } catch (DiskFullException e) {
            assertEquals(3000, e.getWritten());
            assertEquals(4096, e.getFree());
            assertEquals(target.toAbsolutePath(), e.getPath());
            assertTrue(e.getMessage(), e.getMessage().startsWith("no space left on the device writing " + target.toAbsolutePath()
                    + ": at least 3000 bytes needed (3000 written out when it filled, 4096 bytes free in "));
        }
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        try (var files = Files.list(tmp.getRoot().toPath())) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    public void otherWriteFailuresWithSpaceLeftStayWhatTheyWere() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("model.zip");
        try {
            AtomicFiles.write(target, FILLS_AFTER_3000, dir -> 50L << 30);
            fail("expected IOException");
        } catch (DiskFullException e) {
            fail("plenty of space left, not a full disk: " + e);
        } catch (IOException e) {
            assertEquals("No space left on device", e.getMessage());
        }
        assertFalse(Files.exists(target));
    }

    /**
     * A real full device: a 64 KiB tmpfs in a private mount namespace (root with unshare, as in CI), 1 MB written
     * through {@link AtomicFiles#write(Path, AtomicFiles.Writer)} with the real free-space probe. Where no tmpfs can
     * be mounted the child runs the same write with an injected failure.
     */
    @Test
    public void aRealFullTmpfsGivesTheSameError() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        boolean tmpfs = canMountTmpfs();
        ProcessBuilder pb = tmpfs
                ? new ProcessBuilder("unshare", "-m", "sh", "-c",
                    "mount -t tmpfs -o size=64k tmpfs /mnt && exec \"$0\" -cp \"$1\" \"$2\" /mnt/model.zip real",
                    java, cp, FillChild.class.getName())
                : new ProcessBuilder(java, "-cp", cp, FillChild.class.getName(), tmp.getRoot() + "/model.zip", "inject");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("child did not finish", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.contains("DiskFullException: no space left on the device writing "));
        assertTrue(out, out.contains("model.zip: at least " + (tmpfs ? 1 << 20 : 8192) + " bytes needed"));
        assertTrue(out, out.contains("old content kept"));
    }

    private static boolean canMountTmpfs() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;   // no unshare on this machine
        }
    }

    /** Child: writes "old", then 1 MB over it, and prints what happened. */
    public static final class FillChild {
        public static void main(String[] args) throws Exception {
            Path target = Paths.get(args[0]);
            Files.write(target, "old".getBytes(StandardCharsets.UTF_8));
            AtomicFiles.Writer big = out -> out.write(new byte[1 << 20]);
            try {
                if (args[1].equals("real")) AtomicFiles.write(target, big);
                else AtomicFiles.write(target, out -> { out.write(new byte[8192]); throw new IOException("No space left on device"); }, dir -> 0);
                System.out.println("written: no error");
            } catch (DiskFullException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (new String(Files.readAllBytes(target), StandardCharsets.UTF_8).equals("old")) System.out.println("old content kept");
        }
    }
}
