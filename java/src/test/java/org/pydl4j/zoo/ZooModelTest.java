package org.pydl4j.zoo;

import static org.junit.Assert.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.SafeTensors;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

public class ZooModelTest {

    @Test
    public void vgg16HasDl4jVertexNamesAndParamCount() {
        ComputationGraph g = VGG16.builder().inputShape(new int[]{3, 32, 32}).numClasses(5).build().init();
        for (String v : new String[]{"block1_conv1", "block3_conv3", "block5_pool", "flatten", "fc1", "fc2", "predictions"}) {
            assertNotNull(v, g.getVertex(v));
        }
        // conv part 14,714,688 (as Keras' notop); fc1 512->4096 at 32x32 input, fc2 4096->4096, predictions 4096->5
        long expected = 14_714_688L + (512L * 4096 + 4096) + (4096L * 4096 + 4096) + (4096L * 5 + 5);
        assertEquals(expected, g.numParams());
        INDArray out = g.outputSingle(Nd4j.rand(7L, 2, 3, 32, 32).mul(255));
        assertArrayEquals(new long[]{2, 5}, out.shape());
        assertEquals(2.0, out.sumNumber().doubleValue(), 1e-4);
    }

    @Test
    public void efficientNetLite0MatchesThePublishedParameterCount() {
        ComputationGraph g = EfficientNetLite.builder(0).resolution(64).build().init();
        // EfficientNet-Lite0 has 4,652,008 trainable parameters (1000 classes); as in DL4J, batch norm also keeps its
        // running mean and variance as parameters: 2 x 21,008 batch-norm channels more
        assertEquals(4_652_008L + 2 * 21_008L, g.numParams());
        assertNotNull(g.getVertex("blocks_5_3_add"));
        // the first block of a stage with stride 2 has no residual add
        assertThrows(IllegalArgumentException.class, () -> g.getVertex("blocks_1_0_add"));
        INDArray out = g.outputSingle(Nd4j.rand(3L, 1, 3, 64, 64));
        assertArrayEquals(new long[]{1, 1000}, out.shape());
    }

    @Test
    public void pretrainedFromConvertedSafetensorsInTheCache() throws IOException {
        Path dir = Files.createTempDirectory("zoo");
        EfficientNetLite model = EfficientNetLite.builder(0).resolution(64).numClasses(3).build();
        ComputationGraph source = model.init();
        Map<String, INDArray> params = new LinkedHashMap<>(ParamTables.extract(source));
        SafeTensors.write(dir.resolve("efficientnet-lite0_imagenet.safetensors"), params, null);
        ComputationGraph loaded = EfficientNetLite.builder(0).resolution(64).numClasses(3).seed(99).build()
                .cache(new PretrainedCache(dir, null)).initPretrained();
        assertEquals(source.params(), loaded.params());

        // vectors written as [n] by other tools fit the engine's [1, n] rows
        params.put("fc_b", params.get("fc_b").dup().reshape(3));
        SafeTensors.write(dir.resolve("efficientnet-lite0_imagenet.safetensors"), params, null);
        assertEquals(source.params(), model.cache(new PretrainedCache(dir, null)).initPretrained().params());

        params.remove("fc_b");
        params.put("stem_conv_W", Nd4j.zeros(1, 2, 3));
        params.put("extra_W", Nd4j.zeros(1));
        SafeTensors.write(dir.resolve("efficientnet-lite0_imagenet.safetensors"), params, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.cache(new PretrainedCache(dir, null)).initPretrained());
        assertTrue(e.getMessage(), e.getMessage().contains("missing: fc_b"));
        assertTrue(e.getMessage(), e.getMessage().contains("unexpected: extra_W"));
        assertTrue(e.getMessage(), e.getMessage().contains("mis-shaped: stem_conv_W"));
    }

    @Test
    public void offlineVgg16NamesFileAddressAndAlternatives() throws IOException {
        Path empty = Files.createTempDirectory("zoo-empty");
        VGG16 vgg = VGG16.builder().build();
        assertEquals("https://dl4jdata.blob.core.windows.net/models/vgg16_dl4j_inference.zip", vgg.pretrainedUrl(PretrainedType.IMAGENET));
        assertEquals(3501732770L, vgg.pretrainedChecksum(PretrainedType.IMAGENET));
        // point the canonical source at a closed loopback port: the download fails at once, as it does offline
        int closed;
        try (ServerSocket s = new ServerSocket(0)) { closed = s.getLocalPort(); }
        WeightSource canonical = vgg.spec().weights(PretrainedType.IMAGENET).get(0);
        WeightSource unreachable = new WeightSource(canonical.fileName, "http://127.0.0.1:" + closed + "/models/" + canonical.fileName,
                canonical.checksum, canonical.format);
        PretrainedUnavailableException e = assertThrows(PretrainedUnavailableException.class,
                () -> new PretrainedCache(empty, null).resolve(unreachable, vgg.spec().importHint));
        assertTrue(e.getMessage().contains("vgg16_dl4j_inference.zip"));
        assertTrue(e.getMessage().contains("import-weights vgg16"));
        assertTrue(e.getMessage().contains("3501732770"));
    }

    @Test
    public void zooByName() {
        assertTrue(Zoo.names().contains("efficientnet-lite2"));
        assertEquals("vgg16_notop", Zoo.model("vgg16_notop").spec().name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.model("resnet9000"));
        assertTrue(e.getMessage().contains("vgg16"));
    }
}
