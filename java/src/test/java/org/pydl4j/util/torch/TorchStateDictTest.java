package org.pydl4j.util.torch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * Hostile and damaged PyTorch files are refused with a message naming the file, before any large allocation and
 * without running anything. (Parity with the Python reader on real files: tests/test_java_weights.py.)
 */
public class TorchStateDictTest {
    /** The legacy header: magic number, protocol version 1001, sys_info {'little_endian': True}. */
    private static void header(ByteArrayOutputStream out) {
        out.writeBytes(new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'});
        out.writeBytes(new byte[]{(byte) 0x80, 2, 'M', (byte) 0xe9, 0x03, '.'});
        out.writeBytes(new byte[]{(byte) 0x80, 2, '}', 'X', 13, 0, 0, 0});
        out.writeBytes("little_endian".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[]{(byte) 0x88, 's', '.'});
    }

    private static String refused(byte[] objectPickle) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out);
        out.writeBytes(objectPickle);
        Path f = Files.createTempFile("hostile", ".pth");
        try {
            Files.write(f, out.toByteArray());
            TorchFormatException e = assertThrows(TorchFormatException.class, () -> TorchStateDict.read(f));
            assertTrue(e.getMessage(), e.getMessage().startsWith(f.toString()));
            return e.getMessage();
        } finally {
            Files.delete(f);
        }
    }

    @Test
    public void aGlobalOutsideTheStateDictVocabularyIsRefused() throws Exception {
        String m = refused("\u0080\u0002cposix\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(m, m.contains("forbidden global posix.system"));
    }

    @Test
    public void aLengthBeyondTheFileIsRefusedBeforeAllocation() throws Exception {
        String m = refused(new byte[]{(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a', 'b'});
        assertTrue(m, m.contains("exceeds"));
    }

    @Test
    public void deeplyNestedTuplesAreRefused() throws Exception {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[]{(byte) 0x80, 2, ')'});
        for (int i = 0; i < RestrictedUnpickler.MAX_DEPTH + 5; i++) p.write(0x85);   // TUPLE1 around the last
        p.write('.');
        String m = refused(p.toByteArray());
        assertTrue(m, m.contains("nested more than"));
    }

    @Test
    public void aTruncatedPickleIsRefused() throws Exception {
        String m = refused(new byte[]{(byte) 0x80, 2, '}', 'q', 0, '('});
        assertTrue(m, m.contains("cut off"));
    }

    @Test
    public void halfPrecisionConvertsExactly() {
        assertEquals(1.0f, TorchStateDict.halfToFloat((short) 0x3c00), 0f);
        assertEquals(-2.0f, TorchStateDict.halfToFloat((short) 0xc000), 0f);
        assertEquals(65504f, TorchStateDict.halfToFloat((short) 0x7bff), 0f);
        assertEquals((float) Math.pow(2, -24), TorchStateDict.halfToFloat((short) 0x0001), 0f);
        assertTrue(Float.isInfinite(TorchStateDict.halfToFloat((short) 0x7c00)));
    }
}
