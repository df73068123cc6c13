package org.pydl4j.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.datasets.datavec.RecordReaderDataSetIterator;
import org.pydl4j.datasets.image.loader.BaseImageLoader;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;

public class RecordReaderDataSetIteratorTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();
    private File root;
    private static final String[] CLASSES = {"blue", "green", "red"};
    private static final int[][] COLOURS = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}};

    /** 7 images: 3 red, 2 green, 2 blue, each a solid colour so its class can be read off its pixels. */
    @Before
    public void setUp() throws Exception {
        root = tmp.newFolder("data");
        int[] counts = {2, 2, 3};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < counts[c]; i++) {
                TestImages.solidRgb(new File(root, CLASSES[c]), "img" + i + ".png", 6, 5, COLOURS[c][0], COLOURS[c][1], COLOURS[c][2], "png");
            }
        }
    }

    private ImageRecordReader reader() throws java.io.IOException {
        ImageRecordReader rr = new ImageRecordReader(4, 3, 3, new ParentPathLabelGenerator());
        rr.initialize(new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(9)));
        return rr;
    }

    /** The class of each example, read from its pixel colour, must match its one-hot label. */
    private static List<Integer> checkBatch(DataSet ds, int expectedSize) {
        INDArray f = ds.getFeatures(), l = ds.getLabels();
        assertArrayEquals(new long[]{expectedSize, 3, 4, 3}, f.shape());
        assertArrayEquals(new long[]{expectedSize, 3}, l.shape());
        List<Integer> classes = new ArrayList<>();
        for (int i = 0; i < expectedSize; i++) {
            int hot = -1;
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                double v = l.getDouble(i, c);
                assertTrue(v == 0 || v == 1);
                sum += v;
                if (v == 1) hot = c;
            }
            assertEquals(1, sum, 0);
            int[] rgb = {(int) f.getDouble(i, 0, 1, 1), (int) f.getDouble(i, 1, 1, 1), (int) f.getDouble(i, 2, 1, 1)};
            assertArrayEquals("example " + i + " of class " + CLASSES[hot], COLOURS[hot], rgb);
            classes.add(hot);
        }
        return classes;
    }

    @Test
    public void batchesOneHotLastPartialBatchAndReset() throws Exception {
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader(), 3, 1, 3);
        assertEquals(Arrays.asList(CLASSES), it.getLabels());
        assertEquals(3 * 4 * 3, it.inputColumns());
        assertEquals(3, it.totalOutcomes());
        assertEquals(3, it.batch());
        assertTrue(it.resetSupported());
        List<Integer> first = new ArrayList<>();
        first.addAll(checkBatch(it.next(), 3));
        first.addAll(checkBatch(it.next(), 3));
        first.addAll(checkBatch(it.next(), 1));
        assertFalse(it.hasNext());
        try {
            it.next();
            fail("expected NoSuchElementException");
        } catch (NoSuchElementException expected) {
            // exhausted
        }
        assertEquals(2, first.stream().filter(c -> c == 0).count());
        assertEquals(2, first.stream().filter(c -> c == 1).count());
        assertEquals(3, first.stream().filter(c -> c == 2).count());

        it.reset();
        List<Integer> second = new ArrayList<>();
        while (it.hasNext()) second.addAll(checkBatch(it.next(), it.hasNext() ? 3 : 1));
        assertEquals(first, second);
        it.reset();
        assertEquals(5, it.next(5).numExamples());
    }

    @Test
    public void preProcessorIsAppliedToEveryBatch() throws Exception {
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader(), 4, 1, 3);
        it.setPreProcessor(new ImagePreProcessingScaler(0, 1));
        assertTrue(it.getPreProcessor() instanceof ImagePreProcessingScaler);
        while (it.hasNext()) {
            DataSet ds = it.next();
            assertEquals(1.0, ds.getFeatures().maxNumber().doubleValue(), 1e-6);
            assertEquals(0.0, ds.getFeatures().minNumber().doubleValue(), 1e-6);
        }
    }

    @Test
    public void wrongClassCountOrLabelIndexIsAClearError() throws Exception {
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader(), 2, 1, 5);
        try {
            it.next();
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("5") && e.getMessage().contains("3 labels"));
        }
        try {
            new RecordReaderDataSetIterator(reader(), 2, 0, 3);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("labelIndex"));
        }
    }

    @Test
    public void featuresOnlyIteratorHasNullLabels() throws Exception {
        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(reader(), 10);
        DataSet ds = it.next();
        assertEquals(7, ds.numExamples());
        assertNull(ds.getLabels());
        assertEquals(0, it.totalOutcomes());
    }
}
