package org.pydl4j.onnx;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The bounded protobuf reader and the writer: round trips, and hostile bytes refused with the name given. */
public class OnnxProtobufTest {
    private static OnnxModel tiny(float w) {
        OnnxNode conv = new OnnxNode("conv", "Conv", "", List.of("x", "w"), List.of("y"),
                Map.of("kernel_shape", OnnxAttribute.ofInts("kernel_shape", 1, 1), "group", OnnxAttribute.ofInt("group", 1)));
        OnnxGraph g = new OnnxGraph("g", List.of(conv),
                Map.of("w", OnnxTensor.ofFloats("w", new long[]{1, 1, 1, 1}, new float[]{w})),
                List.of(OnnxValueInfo.batched("x", 1, 2, 2)), List.of(OnnxValueInfo.batched("y", 1, 2, 2)));
        return new OnnxModel(8, Map.of("", 17L), "test", "1", g, Map.of("k", "v"));
    }

    @Test
    public void roundTripKeepsGraphTensorsAndMetadata() throws Exception {
        OnnxModel m = OnnxReader.decode(OnnxWriter.encode(tiny(0.5f)), "tiny.onnx");
        assertEquals(17L, m.opset());
        assertEquals("v", m.metadata().get("k"));
        OnnxNode n = m.graph().nodes().get(0);
        assertEquals("Conv", n.opType());
        assertArrayEquals(new long[]{1, 1}, n.intsAttr("kernel_shape", null));
        assertArrayEquals(new float[]{0.5f}, m.graph().initializers().get("w").floats(), 0f);
        assertEquals(-1L, m.graph().inputs().get(0).dims()[0]);
        assertEquals("N", m.graph().inputs().get(0).dimParams()[0]);
    }

    /** A cut inside a field fails with the name; a cut at a field boundary past the graph is valid protobuf. */
    @Test
    public void truncationsFailWithTheNameAndNothingElse() {
        byte[] bytes = OnnxWriter.encode(tiny(1f));
        int refused = 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            try {
                OnnxReader.decode(java.util.Arrays.copyOf(bytes, cut), "cut.onnx");
            } catch (OnnxFormatException e) {
                assertEquals("cut.onnx", e.file());
                refused++;
            }
        }
        assertTrue(refused + " of " + bytes.length, refused > bytes.length - 30);
    }

    @Test
    public void hugeDeclaredLengthIsRefusedBeforeAllocation() {
        // field 7 (graph), wire type 2, length 2^62 as a varint
        byte[] bytes = {0x3A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40, 1, 2};
        try {
            OnnxReader.decode(bytes, "huge.onnx");
            fail("accepted");
        } catch (OnnxFormatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("huge.onnx: ") && e.getMessage().contains("declares"));
        }
    }

    @Test
    public void overlongVarintAndGroupsAreRefused() {
        byte[] overlong = {0x08, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        byte[] group = {0x0B};   // field 1, wire type 3 (start group)
        for (byte[] b : new byte[][]{overlong, group}) {
            try {
                OnnxReader.decode(b, "bad.onnx");
                fail("accepted");
            } catch (OnnxFormatException e) {
                assertEquals("bad.onnx", e.file());
            }
        }
    }

    @Test
    public void nonFiniteInitializerIsRefusedNamingTheTensor() {
        try {
            OnnxReader.decode(OnnxWriter.encode(tiny(Float.POSITIVE_INFINITY)), "inf.onnx");
            fail("accepted");
        } catch (OnnxFormatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'w'") && e.getMessage().contains("non-finite"));
        }
    }

    @Test
    public void externalDataIsRefusedWithoutAFolder() {
        // a float tensor [1] with data_location EXTERNAL and a location entry
        ProtoWriter t = new ProtoWriter().varintField(1, 1).varintField(2, 1).string(8, "w")
                .message(13, new ProtoWriter().string(1, "location").string(2, "w.bin")).varintField(14, 1);
        ProtoWriter graph = new ProtoWriter().message(5, t);
        byte[] model = new ProtoWriter().varintField(1, 8).message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varintField(2, 17)).toByteArray();
        try {
            OnnxReader.decode(model, "ext.onnx");
            fail("accepted");
        } catch (OnnxFormatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("external data is not accepted"));
        }
    }
}
