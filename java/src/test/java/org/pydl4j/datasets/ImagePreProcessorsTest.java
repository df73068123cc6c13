package org.pydl4j.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;
import org.pydl4j.nd.dataset.preprocessor.VGG16ImagePreProcessor;

/** ImagePreProcessingScaler and VGG16ImagePreProcessor (package org.pydl4j.nd.dataset.preprocessor). */
public class ImagePreProcessorsTest {

    @Test
    public void scalerMapsZeroTo255OntoTheRange() {
        INDArray f = Nd4j.create(new float[]{0, 51, 127.5f, 255}, 1, 1, 2, 2);
        INDArray labels = Nd4j.create(new float[]{1, 0}, 1, 2);
        DataSet ds = new DataSet(f, labels);
        new ImagePreProcessingScaler().preProcess(ds);
        assertSame(f, ds.getFeatures());
        assertArrayEquals(new float[]{0, 0.2f, 0.5f, 1}, f.toFloatVector(), 1e-6f);
        assertArrayEquals(new float[]{1, 0}, labels.toFloatVector(), 0f);

        INDArray g = Nd4j.create(new float[]{0, 51, 127.5f, 255}, 4);
        ImagePreProcessingScaler sym = new ImagePreProcessingScaler(-1, 1);
        sym.transform(g);
        assertArrayEquals(new float[]{-1, -0.6f, 0, 1}, g.toFloatVector(), 1e-6f);
        sym.revertFeatures(g);
        assertArrayEquals(new float[]{0, 51, 127.5f, 255}, g.toFloatVector(), 1e-4f);

        INDArray h = Nd4j.create(new float[]{0, 65535}, 2);
        new ImagePreProcessingScaler(0, 1, 16).preProcess(h);
        assertArrayEquals(new float[]{0, 1}, h.toFloatVector(), 1e-6f);
    }

    @Test
    public void scalerFitLearnsNothing() {
        ImagePreProcessingScaler s = new ImagePreProcessingScaler(0, 1);
        s.fit(new DataSet(Nd4j.create(new float[]{1000, 2000}, 2, 1), null));
        INDArray x = Nd4j.create(new float[]{255}, 1);
        s.preProcess(x);
        assertArrayEquals(new float[]{1}, x.toFloatVector(), 1e-6f);
        try {
            new ImagePreProcessingScaler(1, 1);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("below"));
        }
    }

    @Test
    public void vgg16SubtractsChannelMeansAndReverts() {
        // 2 examples, 3 channels, 1x2 pixels: value = 200 everywhere
        INDArray f = Nd4j.valueArrayOf(new long[]{2, 3, 1, 2}, 200);
        DataSet ds = new DataSet(f, Nd4j.create(new float[]{1, 0, 0, 1}, 2, 2));
        new VGG16ImagePreProcessor().preProcess(ds);
        float r = (float) (200 - 123.68), g = (float) (200 - 116.779), b = (float) (200 - 103.939);
        assertArrayEquals(new float[]{r, r, g, g, b, b, r, r, g, g, b, b}, f.toFloatVector(), 1e-4f);
        new VGG16ImagePreProcessor().revertFeatures(f);
        float[] back = new float[12];
        java.util.Arrays.fill(back, 200);
        assertArrayEquals(back, f.toFloatVector(), 1e-4f);
        assertArrayEquals(new double[]{123.68, 116.779, 103.939}, VGG16ImagePreProcessor.getMeans(), 0);
    }

    @Test
    public void vgg16RejectsNonRgbNchw() {
        try {
            new VGG16ImagePreProcessor().preProcess(Nd4j.zeros(2, 1, 4, 4));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("[2, 1, 4, 4]"));
        }
    }
}
