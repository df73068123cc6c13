package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/** Which vertices the inference pass compiles for the zoo's feature extractors. */
public class InferenceFusionPlanTest {
    private static InferenceFusion plan(ComputationGraph g) {
        Map<String, GraphVertex> vs = new LinkedHashMap<>();
        for (GraphVertex v : g.getVertices()) vs.put(v.getVertexName(), v);
        return InferenceFusion.plan(g.getConfiguration(), g.getTopologicalOrder(), vs, new int[]{4});
    }

    @Test
    public void efficientNetLiteUpToPooledFeaturesIsOneSegment() {
        ComputationGraph g = EfficientNetLite.builder(0).resolution(64).numClasses(3).build().init();
        InferenceFusion f = plan(g);
        // everything but the input and the dense output layer: convs, batch norms, activations, adds, global pool
        assertEquals(f.toString(), g.getVertices().length - 2, f.compiledVertices());
        assertEquals(f.toString(), 1, f.segments());
    }

    @Test
    public void vggConvolutionalPartIsOneSegment() {
        ComputationGraph g = VGG16.builder().includeTop(false).inputShape(new int[]{3, 32, 32}).build().init();
        InferenceFusion f = plan(g);
        assertEquals(f.toString(), g.getVertices().length - 1, f.compiledVertices());
        assertEquals(1, f.segments());
    }
}
