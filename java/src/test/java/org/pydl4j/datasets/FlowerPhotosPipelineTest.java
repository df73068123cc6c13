package org.pydl4j.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.net.URI;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.Test;
import org.pydl4j.datasets.datavec.RecordReaderDataSetIterator;
import org.pydl4j.datasets.image.loader.BaseImageLoader;
import org.pydl4j.datasets.image.loader.NativeImageLoader;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.io.filters.BalancedPathFilter;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.datasets.split.InputSplit;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;

/**
 * The pipeline on the real flower photos (read in place; 2934 JPEGs: daisy 506, dandelion 718, roses 512,
 * sunflowers 559, tulips 639). Only a handful of images are decoded to keep the test fast.
 */
public class FlowerPhotosPipelineTest {
    private static final File ROOT = FlowerPhotosDir.locate();
    private static final List<String> LABELS = List.of("daisy", "dandelion", "roses", "sunflowers", "tulips");
    private final ParentPathLabelGenerator gen = new ParentPathLabelGenerator();

    private InputSplit[] split(long seed) {
        Random rng = new Random(seed);
        FileSplit files = new FileSplit(ROOT, BaseImageLoader.ALLOWED_FORMATS, rng);
        assertEquals(2934, files.length());
        return files.sample(new BalancedPathFilter(rng, BaseImageLoader.ALLOWED_FORMATS, gen), 80, 20);
    }

    private Map<String, Integer> counts(URI[] paths) {
        Map<String, Integer> m = new TreeMap<>();
        for (URI u : paths) m.merge(gen.getLabelForPath(u), 1, Integer::sum);
        return m;
    }

    @Test
    public void balancedEightyTwentySplitPerClass() {
        assertTrue("the flower photos are missing at " + ROOT, ROOT.isDirectory());
        InputSplit[] s = split(42);
        // balanced to the smallest class (daisy, 506); round(506 * 0.8) = 405 train, 101 test per class
        Map<String, Integer> train = counts(s[0].locations()), test = counts(s[1].locations());
        for (String label : LABELS) {
            assertEquals(label, Integer.valueOf(405), train.get(label));
            assertEquals(label, Integer.valueOf(101), test.get(label));
        }
        assertEquals(5, train.size());
        Set<URI> trainSet = new HashSet<>(Arrays.asList(s[0].locations()));
        for (URI u : s[1].locations()) assertFalse(u.toString(), trainSet.contains(u));
        InputSplit[] again = split(42);
        assertArrayEquals(s[0].locations(), again[0].locations());
        assertArrayEquals(s[1].locations(), again[1].locations());
    }

    @Test
    public void readersListSortedLabelsAndDecodeRealJpegs() throws Exception {
        InputSplit[] s = split(7);
        ImageRecordReader train = new ImageRecordReader(64, 48, 3, gen);
        train.initialize(s[0]);
        ImageRecordReader test = new ImageRecordReader(64, 48, 3, gen);
        test.initialize(s[1]);
        assertEquals(LABELS, train.getLabels());
        assertEquals(LABELS, test.getLabels());

        RecordReaderDataSetIterator it = new RecordReaderDataSetIterator(test, 5, 1, LABELS.size());
        DataSet ds = it.next();
        INDArray f = ds.getFeatures();
        assertArrayEquals(new long[]{5, 3, 64, 48}, f.shape());
        assertArrayEquals(new long[]{5, 5}, ds.getLabels().shape());
        assertTrue(f.minNumber().doubleValue() >= 0);
        assertTrue(f.maxNumber().doubleValue() <= 255);
        assertTrue("a photo is not flat", f.maxNumber().doubleValue() - f.minNumber().doubleValue() > 50);
        assertFalse(f.hasNonFinite());
        // the split interleaves labels in name order, so the first batch holds one image of each class
        for (int i = 0; i < 5; i++) assertEquals(1.0, ds.getLabels().getDouble(i, i), 0);
    }

    /** Gray photos stored as YCbCr with an ICC profile that ImageIO.read rejects; decoded by the fallback. */
    @Test
    public void jpegsWithMismatchedIccProfileStillDecode() {
        String[] files = {"daisy/3084924076_4d5c5711af_m.jpg", "dandelion/4633514720_22e82c5f7c_m.jpg",
                "dandelion/4633792226_80f89c89ec_m.jpg", "roses/13342823005_16d3df58df_n.jpg"};
        NativeImageLoader loader = new NativeImageLoader(32, 32, 3);
        for (String name : files) {
            File f = new File(ROOT, name);
            try {
                javax.imageio.ImageIO.read(f);
                fail("ImageIO.read was expected to reject " + f + "; the fallback test no longer covers it");
            } catch (java.io.IOException | IllegalArgumentException expected) {
                // the JDK's colour management refuses the embedded profile
            }
            INDArray a = loader.asMatrix(f);
            assertArrayEquals(new long[]{1, 3, 32, 32}, a.shape());
            double spread = a.maxNumber().doubleValue() - a.minNumber().doubleValue();
            assertTrue(name + " decoded flat", spread > 30);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    double r = a.getDouble(0, 0, y, x);
                    assertEquals(name, r, a.getDouble(0, 1, y, x), 3);   // gray photo: R = G = B up to chroma noise
                    assertEquals(name, r, a.getDouble(0, 2, y, x), 3);
                }
            }
        }
    }

    /** The fallback's YCbCr -> RGB conversion agrees with ImageIO's own decode on ordinary colour JPEGs. */
    @Test
    public void iccFreeJpegDecodeMatchesImageIo() throws Exception {
        File[] daisies = new File(ROOT, "daisy").listFiles();
        Arrays.sort(daisies);
        for (int k = 0; k < 3; k++) {
            BufferedImage ref = javax.imageio.ImageIO.read(daisies[k]);
            BufferedImage ours = NativeImageLoader.readJpegIgnoringIcc(daisies[k]);
            assertEquals(ref.getWidth(), ours.getWidth());
            assertEquals(ref.getHeight(), ours.getHeight());
            int maxDiff = 0;
            for (int y = 0; y < ref.getHeight(); y++) {
                for (int x = 0; x < ref.getWidth(); x++) {
                    int p = ref.getRGB(x, y), q = ours.getRGB(x, y);
                    for (int sh = 0; sh <= 16; sh += 8) maxDiff = Math.max(maxDiff, Math.abs(((p >> sh) & 255) - ((q >> sh) & 255)));
                }
            }
            assertTrue(daisies[k] + ": max channel difference " + maxDiff, maxDiff <= 2);
        }
    }
}
