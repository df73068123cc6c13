package org.pydl4j.onnx;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * Geometry attributes a hostile file declares (strides, dilations, kernel sizes, pads) are bounded before they become
 * layer sizes: out-of-range, empty or int-overflowing values are a typed error naming the node, never a silent
 * truncation or an index exception.
 */
public class OnnxHostileAttributesTest {
    private static final long HUGE = (1L << 32) + 1;   // 1 after a cast to int

    private static void assertRefused(OnnxNode node, Map<String, OnnxTensor> inits, String mention) {
        OnnxGraph g = new OnnxGraph("g", List.of(node), inits, List.of(OnnxValueInfo.batched("x", 2, 8, 8)),
                List.of(OnnxValueInfo.batched("y", 2, 8, 8)));
        try {
            OnnxImporter.importGraph(new OnnxModel(8, Map.of("", 17L), "t", "1", g, Map.of()), "h.onnx");
            fail(node.opType() + " " + node.attributes().keySet() + " imported");
        } catch (UnsupportedOnnxOpException e) {
            assertEquals(node.name(), e.node());
            assertTrue(e.getMessage(), e.getMessage().contains(mention));
        } catch (OnnxFormatException e) {
            fail("untyped: " + e);
        }
    }

    private static Map<String, OnnxTensor> convWeights() {
        Map<String, OnnxTensor> m = new HashMap<>();
        m.put("w", new OnnxTensor("w", OnnxTensor.FLOAT, new long[]{2, 2, 1, 1}, new float[]{1, 0, 0, 1}, null));
        return m;
    }

    private static OnnxNode conv(String attr, long... values) {
        return new OnnxNode("c", "Conv", "", List.of("x", "w"), List.of("y"), Map.of(attr, OnnxAttribute.ofInts(attr, values)));
    }

    @Test
    public void stridesAndDilationsAreBounded() {
        assertRefused(conv("strides", HUGE, HUGE), convWeights(), "strides out of range");
        assertRefused(conv("strides", 0, 1), convWeights(), "strides out of range");
        assertRefused(conv("dilations"), convWeights(), "dilations must have 2 values");
        assertRefused(conv("dilations", 1, 1, 1), convWeights(), "dilations must have 2 values");
    }

    @Test
    public void poolKernelsAndPadsAreBounded() {
        Map<String, OnnxAttribute> pool = Map.of("kernel_shape", OnnxAttribute.ofInts("kernel_shape", HUGE, 2));
        assertRefused(new OnnxNode("p", "MaxPool", "", List.of("x"), List.of("y"), pool), Map.of(), "kernel_shape out of range");
        Map<String, OnnxTensor> pads = new HashMap<>();
        pads.put("pads", new OnnxTensor("pads", OnnxTensor.INT64, new long[]{8}, null, new long[]{0, 0, HUGE, 0, 0, 0, 1, 0}));
        assertRefused(new OnnxNode("pad", "Pad", "", List.of("x", "pads"), List.of("y"), Map.of()), pads, "pads out of range");
    }
}
