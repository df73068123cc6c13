package org.pydl4j.util;

import static org.junit.Assert.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

public class SafeTensorsTest {
    @Test
    public void roundTripIsExactAndOrdered() throws IOException {
        Path dir = Files.createTempDirectory("st");
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("conv_W", Nd4j.randn(1L, new long[]{4, 3, 3, 3}));
        t.put("conv_b", Nd4j.randn(2L, new long[]{4}));
        t.put("d", Nd4j.randn(3L, new long[]{2, 2}).castTo(DataType.DOUBLE));
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, t, Map.of("source", "test"));
        Map<String, INDArray> back = SafeTensors.read(f);
        assertEquals(Arrays.asList("conv_W", "conv_b", "d"), Arrays.asList(back.keySet().toArray()));
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape(), back.get(k).shape());
            assertTrue(k, t.get(k).equalsWithEps(back.get(k), 0));
        }
        assertEquals(DataType.DOUBLE, back.get("d").dataType());
        assertFalse(Files.exists(dir.resolve("w.safetensors.tmp")));
    }

    @Test
    public void readsHalfPrecision() throws IOException {
        byte[] json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putShort((short) 0x3E00).putShort((short) 0xC000);   // 1.5 and -2 in binary16
        Path f = Files.createTempFile("half", ".safetensors");
        Files.write(f, b.array());
        assertArrayEquals(new float[]{1.5f, -2f}, SafeTensors.read(f).get("h").toFloatVector(), 0f);
    }

    @Test
    public void halfConversionCoversSubnormalsAndInfinity() {
        assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001), 0f);
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7BFF), 0f);
        assertEquals(Float.NEGATIVE_INFINITY, SafeTensors.halfToFloat((short) 0xFC00), 0f);
    }

    @Test
    public void corruptFilesAreClearErrors() throws IOException {
        Path dir = Files.createTempDirectory("st");
        Path f = dir.resolve("ok.safetensors");
        SafeTensors.write(f, Map.of("x", Nd4j.ones(100)), null);
        byte[] all = Files.readAllBytes(f);
        Path truncated = dir.resolve("trunc.safetensors");
        Files.write(truncated, Arrays.copyOf(all, all.length - 10));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(truncated));
        assertTrue(e.getMessage(), e.getMessage().contains("trunc.safetensors"));
        Path huge = dir.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 2).putLong(0);
        Files.write(huge, b.array());
        assertThrows(IOException.class, () -> SafeTensors.read(huge));
        Path garbage = dir.resolve("g.safetensors");
        Files.write(garbage, "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> SafeTensors.read(garbage));
    }
    /** Two tensors over the same bytes (issue 13 item 12): refused, naming both, before anything is read. */
    @Test
    public void overlappingDataOffsetsAreRefused() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putFloat(1f).putFloat(2f).putFloat(3f);
        Path f = Files.createTempFile("overlap", ".safetensors");
        Files.write(f, b.array());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage(), e.getMessage().contains(f.getFileName().toString()) && e.getMessage().contains("overlap")
                && e.getMessage().contains("a [0, 8)") && e.getMessage().contains("b [4, 12)"));
        // adjacent tensors and an empty tensor between them are fine
        String ok = header.replace("[4,12]", "[8,12]").replace("\"shape\":[2],\"data_offsets\":[8,12]", "\"shape\":[1],\"data_offsets\":[8,12]");
        byte[] okJson = ok.getBytes(StandardCharsets.UTF_8);
        ByteBuffer c = ByteBuffer.allocate(8 + okJson.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(okJson.length).put(okJson).putFloat(1f).putFloat(2f).putFloat(3f);
        Files.write(f, c.array());
        assertArrayEquals(new float[]{3f}, SafeTensors.read(f).get("b").toFloatVector(), 0f);
        Files.delete(f);
    }
}
