package org.pydl4j.nd.dataset;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.preprocessor.DataNormalization;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;
import org.pydl4j.nd.dataset.preprocessor.Normalizer;
import org.pydl4j.nd.dataset.preprocessor.NormalizerMinMaxScaler;
import org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize;
import org.pydl4j.nd.dataset.preprocessor.VGG16ImagePreProcessor;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerSerializer;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.serde.Nd4jBinary;

/** ND4J's normalizers: fitted statistics, transform/revert, iterator pre-processing, saving with a model, hostile files. */
public class NormalizersTest extends org.pydl4j.nd.DoublePrecisionTests {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    /** 40 examples, 3 features with very different scales, 2 classes. */
    private static DataSet data() {
        INDArray x = Nd4j.randn(4L, new long[]{40, 3});
        for (int i = 0; i < 40; i++) {
            x.putScalar(i, 0, 100 + 20 * x.getDouble(i, 0));
            x.putScalar(i, 1, -3 + 0.01 * x.getDouble(i, 1));
        }
        INDArray y = Nd4j.zeros(40, 2);
        for (int i = 0; i < 40; i++) y.putScalar(i, x.getDouble(i, 0) > 100 ? 1 : 0, 1.0);
        return new DataSet(x, y);
    }

    private static double[] columnMeanStd(INDArray x, int c) {
        double s = 0, ss = 0;
        int n = (int) x.size(0);
        for (int i = 0; i < n; i++) { s += x.getDouble(i, c); ss += x.getDouble(i, c) * x.getDouble(i, c); }
        return new double[]{s / n, Math.sqrt(ss / n - (s / n) * (s / n))};
    }

    @Test
    public void standardizeFitsOnAnIteratorAndRevertsExactly() {
        DataSet all = data();
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(all.batchBy(1), 16);
        NormalizerStandardize norm = new NormalizerStandardize();
        norm.fit(it);
        assertTrue("fit resets the iterator", it.hasNext());
        for (int c = 0; c < 3; c++) {
            double[] ms = columnMeanStd(all.getFeatures(), c);
            assertEquals(ms[0], norm.getMean().getDouble(0, c), 1e-9 * Math.abs(ms[0]) + 1e-12);
            assertEquals(ms[1], norm.getStd().getDouble(0, c), 1e-9 * ms[1]);
        }
        DataSet copy = new DataSet(all.getFeatures().dup(), all.getLabels().dup());
        norm.transform(copy);
        for (int c = 0; c < 3; c++) {
            double[] ms = columnMeanStd(copy.getFeatures(), c);
            assertEquals(0, ms[0], 1e-9);
            assertEquals(1, ms[1], 1e-9);
        }
        assertEquals(all.getLabels(), copy.getLabels());
        norm.revert(copy);
        assertTrue(all.getFeatures().equalsWithEps(copy.getFeatures(), 1e-9));
        // as the iterator's pre-processor, every batch comes out normalized
        it.setPreProcessor(norm);
        INDArray b = it.next().getFeatures();
        INDArray expected = all.getFeatures().get(org.pydl4j.nd.NDArrayIndex.interval(0, 16)).dup();
        norm.transform(expected);
        assertTrue(expected.equalsWithEps(b, 1e-12));
    }

    @Test
    public void minMaxScalesToTheTargetRangePerChannelOfImages() {
        INDArray img = Nd4j.rand(7L, 5, 3, 4, 4).muli(255);
        img.putScalar(new long[]{0, 2, 0, 0}, 1000);
        NormalizerMinMaxScaler norm = new NormalizerMinMaxScaler(-1, 1);
        DataSet ds = new DataSet(img.dup(), Nd4j.zeros(5, 2));
        norm.fit(ds);
        assertEquals(1000, norm.getMax().getDouble(0, 2), 0);
        norm.transform(ds);
        INDArray f = ds.getFeatures();
        for (int c = 0; c < 3; c++) {
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (int n = 0; n < 5; n++) for (int h = 0; h < 4; h++) for (int w = 0; w < 4; w++) {
                double v = f.getDouble(n, c, h, w);
                lo = Math.min(lo, v); hi = Math.max(hi, v);
            }
            assertEquals(-1, lo, 1e-12);
            assertEquals(1, hi, 1e-12);
        }
        norm.revert(ds);
        assertTrue(img.equalsWithEps(ds.getFeatures(), 1e-9));
        assertThrows(IllegalArgumentException.class, () -> norm.transform(Nd4j.zeros(2, 4, 2, 2)));
        assertThrows(IllegalStateException.class, () -> new NormalizerMinMaxScaler().transform(Nd4j.zeros(2, 3)));
    }

    @Test
    public void labelsAreNormalizedWhenAsked() {
        DataSet ds = data();
        ds.setLabels(ds.getFeatures().mul(3).add(7));
        NormalizerStandardize norm = new NormalizerStandardize();
        norm.fitLabel(true);
        norm.fit(ds);
        DataSet copy = new DataSet(ds.getFeatures().dup(), ds.getLabels().dup());
        norm.transform(copy);
        assertEquals(0, columnMeanStd(copy.getLabels(), 0)[0], 1e-9);
        norm.revertLabels(copy.getLabels());
        assertTrue(ds.getLabels().equalsWithEps(copy.getLabels(), 1e-9));
    }

    @Test
    public void multiNormalizersFitEveryArray() {
        DataSet a = data();
        INDArray b = Nd4j.rand(3L, 40, 2).muli(50).addi(10);
        MultiDataSet m = new MultiDataSet(new INDArray[]{a.getFeatures().dup(), b.dup()}, new INDArray[]{a.getLabels()});
        org.pydl4j.nd.dataset.preprocessor.MultiNormalizerStandardize s = new org.pydl4j.nd.dataset.preprocessor.MultiNormalizerStandardize();
        s.fit(m);
        s.preProcess(m);
        for (int c = 0; c < 3; c++) assertEquals(0, columnMeanStd(m.getFeatures(0), c)[0], 1e-9);
        for (int c = 0; c < 2; c++) assertEquals(1, columnMeanStd(m.getFeatures(1), c)[1], 1e-9);
        s.revert(m);
        assertTrue(b.equalsWithEps(m.getFeatures(1), 1e-9));
        org.pydl4j.nd.dataset.preprocessor.MultiNormalizerMinMaxScaler mm = new org.pydl4j.nd.dataset.preprocessor.MultiNormalizerMinMaxScaler(-1, 1);
        mm.fit(new org.pydl4j.nd.dataset.MultiDataSetIteratorAdapter(new ListDataSetIterator<>(List.of(new DataSet(b.dup(), a.getLabels())), 10)));
        INDArray x = b.dup();
        mm.getFeatureNormalizer(0).transform(x);
        assertEquals(-1, x.minNumber().doubleValue(), 1e-9);
        assertEquals(1, x.maxNumber().doubleValue(), 1e-9);
    }

    @Test
    public void compositePreProcessorAppliesInOrder() {
        INDArray img = Nd4j.ones(1, 3, 2, 2).muli(255);
        DataSet ds = new DataSet(img, Nd4j.zeros(1, 2));
        new org.pydl4j.nd.dataset.preprocessor.CompositeDataSetPreProcessor(new VGG16ImagePreProcessor(), new ImagePreProcessingScaler(0, 1)).preProcess(ds);
        assertEquals((255 - 123.68) / 255, ds.getFeatures().getDouble(0, 0, 0, 0), 1e-9);
        assertEquals((255 - 103.939) / 255, ds.getFeatures().getDouble(0, 2, 1, 1), 1e-9);
    }

    @Test
    public void constantFeatureDoesNotDivideByZero() {
        INDArray x = Nd4j.ones(4, 2);
        NormalizerStandardize s = new NormalizerStandardize();
        s.fit(new DataSet(x, null));
        s.transform(x);
        assertFalse(x.hasNonFinite());
        assertThrows(IllegalArgumentException.class, () -> new NormalizerStandardize().fit(new DataSet(Nd4j.create(new double[]{Double.NaN, 1}, new long[]{2, 1}, DataType.DOUBLE), null)));
    }

    private static <T extends Normalizer<?>> T roundTrip(Normalizer<?> n) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        NormalizerSerializer.getDefault().write(n, bos);
        return NormalizerSerializer.getDefault().restore(new ByteArrayInputStream(bos.toByteArray()));
    }

    @Test
    public void serializerRoundTripsEveryType() throws IOException {
        NormalizerStandardize s = new NormalizerStandardize();
        s.fitLabel(true);
        DataSet ds = data();
        s.fit(ds);
        assertEquals(s, roundTrip(s));
        NormalizerMinMaxScaler m = new NormalizerMinMaxScaler(0.1, 0.9);
        m.fit(ds);
        NormalizerMinMaxScaler m2 = roundTrip(m);
        assertEquals(m, m2);
        assertEquals(0.9, m2.getTargetMax(), 0);
        assertEquals(new ImagePreProcessingScaler(-1, 1, 16), roundTrip(new ImagePreProcessingScaler(-1, 1, 16)));
        assertTrue(roundTrip(new VGG16ImagePreProcessor()) instanceof VGG16ImagePreProcessor);
        File f = tmp.newFile("norm.bin");
        NormalizerSerializer.getDefault().write(m, f);
        assertEquals(m, NormalizerSerializer.getDefault().restore(f));
        assertThrows(IllegalStateException.class, () -> roundTrip(new NormalizerStandardize()));
    }

    private static byte[] header(String type) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeUTF("NORMALIZER");
        out.writeInt(1);
        out.writeUTF(type);
        return bos.toByteArray();
    }

    private static void refused(byte[] bytes, String fragment) {
        IOException e = assertThrows(IOException.class, () -> NormalizerSerializer.getDefault().restore(new ByteArrayInputStream(bytes), "evil.bin"));
        assertTrue(e.getMessage(), e.getMessage().contains("evil.bin") && e.getMessage().contains(fragment));
    }

    @Test
    public void hostileFilesAreRefused() throws IOException {
        refused(new byte[]{0, 3, 'A', 'B', 'C'}, "not a normalizer");
        refused(new byte[0], "truncated");
        refused(header("CUSTOM"), "cannot be restored");
        refused(header("EVIL\u0001TYPE"), "unknown normalizer type");
        // a declared array length far beyond the limit: refused before allocating
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.write(header("STANDARDIZE"));
        out.writeBoolean(false);
        out.writeUTF("MIXED_DATA_TYPES"); out.writeLong(8); out.writeUTF("LONG");
        for (long v : new long[]{2, 1, 1L << 40, 1L << 40, 1, 8192, 1, 99}) out.writeLong(v);
        out.flush();
        IOException e = assertThrows(IOException.class, () -> NormalizerSerializer.getDefault().restore(new ByteArrayInputStream(bos.toByteArray()), "evil.bin"));
        assertTrue(e.getMessage(), e.getMessage().contains("evil.bin"));
        // non-finite statistics
        ByteArrayOutputStream nan = new ByteArrayOutputStream();
        DataOutputStream o2 = new DataOutputStream(nan);
        o2.write(header("STANDARDIZE"));
        o2.writeBoolean(false);
        Nd4jBinary.write(Nd4j.create(new double[]{Double.NaN}, new long[]{1, 1}, DataType.DOUBLE), o2);
        Nd4jBinary.write(Nd4j.create(new double[]{1}, new long[]{1, 1}, DataType.DOUBLE), o2);
        o2.flush();
        refused(nan.toByteArray(), "invalid normalizer");
        // trailing garbage
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        NormalizerSerializer.getDefault().write(new VGG16ImagePreProcessor(), ok);
        ok.write(42);
        refused(ok.toByteArray(), "unexpected bytes");
        // image scaler with a max pixel value that is not 2^bits - 1
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream o3 = new DataOutputStream(img);
        o3.write(header("IMAGE_MIN_MAX"));
        o3.writeDouble(0); o3.writeDouble(1); o3.writeDouble(300);
        o3.flush();
        refused(img.toByteArray(), "max pixel");
    }

    /** Written the way DL4J's examples save a normalizer with a model. */
    @Test
    public void savedWithTheModel() throws Exception {
        DataSet all = data();
        DataSetIterator trainIter = new ListDataSetIterator<>(all.batchBy(1), 10);
        DataNormalization normalizer = new NormalizerStandardize();
        normalizer.fit(trainIter);
        trainIter.setPreProcessor(normalizer);

        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.05))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(3).nOut(6).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(2).activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph model = new ComputationGraph(conf);
        model.init();
        model.fit(trainIter, 15);

        File locationToSave = tmp.newFile("model.zip");
        ModelSerializer.writeModel(model, locationToSave, true);
        assertNull(ModelSerializer.restoreNormalizerFromFile(locationToSave));
        ModelSerializer.addNormalizerToModel(locationToSave, normalizer);
        ModelSerializer.addNormalizerToModel(locationToSave, normalizer);   // replaces, never duplicates

        ComputationGraph restored = ModelSerializer.restoreComputationGraph(locationToSave);
        DataNormalization restoredNormalizer = ModelSerializer.restoreNormalizerFromFile(locationToSave);
        assertEquals(normalizer, restoredNormalizer);
        INDArray raw = all.getFeatures().dup();
        restoredNormalizer.transform(raw);
        assertTrue(model.outputSingle(raw).equalsWithEps(restored.outputSingle(raw), 1e-12));
        // the model learned on normalized data
        org.pydl4j.eval.Evaluation eval = new org.pydl4j.eval.Evaluation(2);
        trainIter.reset();
        while (trainIter.hasNext()) {
            DataSet t = trainIter.next();
            eval.eval(t.getLabels(), restored.outputSingle(t.getFeatures()));
        }
        assertTrue(eval.stats(), eval.accuracy() > 0.9);

        File withNorm = tmp.newFile("model2.zip");
        ModelSerializer.writeModel(model, withNorm, false, normalizer);
        assertEquals(normalizer, ModelSerializer.restoreNormalizerFromFile(withNorm));
    }
}
