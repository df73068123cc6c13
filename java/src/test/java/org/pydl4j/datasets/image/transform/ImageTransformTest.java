package org.pydl4j.datasets.image.transform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.common.primitives.Pair;
import org.pydl4j.datasets.datavec.RecordReaderDataSetIterator;
import org.pydl4j.datasets.image.data.ImageWritable;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;

/** DataVec's image transforms: OpenCV's geometry (flip codes, crop rules, rotation matrix, perspective), seeded randomness. */
public class ImageTransformTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    /** A gray image whose pixel (x, y) is 10*y + x. */
    static ImageWritable grid(int w, int h) {
        float[] p = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = 10 * y + x;
        return ImageWritable.fromPlanes(new float[][]{p}, w, h);
    }

    static float at(ImageWritable im, int x, int y) { return im.planes()[0][y * im.getWidth() + x]; }

    @Test
    public void flipUsesOpenCvCodes() {
        ImageWritable g = grid(4, 3);
        ImageWritable v = new FlipImageTransform(0).transform(g);      // around the x-axis: upside down
        ImageWritable m = new FlipImageTransform(1).transform(g);      // around the y-axis: mirror
        ImageWritable b = new FlipImageTransform(-1).transform(g);     // both
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(at(g, x, 2 - y), at(v, x, y), 0);
                assertEquals(at(g, 3 - x, y), at(m, x, y), 0);
                assertEquals(at(g, 3 - x, 2 - y), at(b, x, y), 0);
            }
        }
        assertEquals(at(g, 0, 0), at(new FlipImageTransform().transform(g), 0, 2), 0);   // no-argument: mode 0
        // random: every one of -2 (none), -1, 0, 1 occurs; the same seed repeats the same choices
        Set<Float> corners = new HashSet<>();
        FlipImageTransform r1 = new FlipImageTransform(new Random(5)), r2 = new FlipImageTransform(new Random(5));
        for (int i = 0; i < 40; i++) {
            float a = at(r1.transform(g), 0, 0);
            assertEquals(a, at(r2.transform(g), 0, 0), 0);
            corners.add(a);
        }
        assertEquals(Set.of(0f, 3f, 20f, 23f), corners);
        assertNull(new FlipImageTransform(1).transform(null));
    }

    @Test
    public void cropScaleResize() {
        ImageWritable g = grid(8, 6);
        CropImageTransform crop = new CropImageTransform(1, 2, 0, 3);   // top, left, bottom, right
        ImageWritable c = crop.transform(g);
        assertEquals(8 - 2 - 3, c.getWidth());
        assertEquals(6 - 1, c.getHeight());
        assertEquals(at(g, 2, 1), at(c, 0, 0), 0);
        assertArrayEquals(new float[]{0, 0}, crop.query(2, 1), 0);
        CropImageTransform rc = new CropImageTransform(new Random(3), 3);
        for (int i = 0; i < 20; i++) {
            ImageWritable o = rc.transform(g);
            assertTrue(o.getWidth() >= 2 && o.getWidth() <= 8 && o.getHeight() >= 1 && o.getHeight() <= 6);
        }
        assertEquals(1, new CropImageTransform(10).transform(g).getWidth());   // never empty

        ImageWritable s = new ScaleImageTransform(4, 2).transform(g);
        assertEquals(12, s.getWidth());
        assertEquals(8, s.getHeight());
        ScaleImageTransform rs = new ScaleImageTransform(new Random(1), 3);
        Set<Integer> widths = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            ImageWritable o = rs.transform(g);
            assertTrue(o.getWidth() >= 5 && o.getWidth() <= 11);
            widths.add(o.getWidth());
        }
        assertTrue(widths.size() > 2);

        ImageWritable flat = ImageWritable.fromPlanes(new float[][]{filled(64, 77), filled(64, 5), filled(64, 200)}, 8, 8);
        ImageWritable r = new ResizeImageTransform(5, 3).transform(flat);
        assertEquals(5, r.getWidth());
        assertEquals(3, r.getHeight());
        assertEquals(3, r.getDepth());
        for (float[] plane : r.planes()) for (float v : plane) assertTrue(v == 77 || v == 5 || v == 200);
    }

    static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    @Test
    public void rotateAndWarpFollowOpenCvsGeometry() {
        float[] p = new float[25];
        p[2 * 5 + 4] = 250;   // bright pixel right of the centre (2, 2)
        ImageWritable img = ImageWritable.fromPlanes(new float[][]{p}, 5, 5);
        RotateImageTransform rot = new RotateImageTransform(90);
        ImageWritable r = rot.transform(img);
        assertEquals(250, at(r, 2, 0), 0.5);   // counter-clockwise with y down: right of centre -> above it
        assertEquals(0, at(r, 4, 2), 0.5);
        assertArrayEquals(new float[]{2, 0}, rot.query(4, 2), 1e-4f);
        // scale 1 + 1 = 2 doubles distances from the centre
        assertArrayEquals(new float[]{6, 2}, new RotateImageTransform(0, 0, 0, 1) {{ transform(img); }}.query(4, 2), 1e-4f);

        ImageWritable g = grid(6, 4);
        ImageWritable same = new WarpImageTransform(0).transform(g);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) assertEquals(at(g, x, y), at(same, x, y), 0.5);
        // every corner moved 2 px right: a translation; the left two columns become black
        WarpImageTransform shift = new WarpImageTransform(2, 0, 2, 0, 2, 0, 2, 0);
        ImageWritable t = shift.transform(g);
        for (int y = 0; y < 4; y++) {
            assertEquals(0, at(t, 0, y), 0.5);
            for (int x = 2; x < 6; x++) assertEquals(at(g, x - 2, y), at(t, x, y), 0.5);
        }
        assertArrayEquals(new float[]{3, 1}, shift.query(1, 1), 1e-4f);
        // random warps are reproducible from the seed
        ImageWritable w1 = new WarpImageTransform(new Random(9), 2).transform(g), w2 = new WarpImageTransform(new Random(9), 2).transform(g);
        assertArrayEquals(w1.planes()[0], w2.planes()[0], 0);
    }

    @Test
    public void pipelineProbabilitiesShuffleAndSeeds() {
        ImageWritable g = grid(4, 3);
        // probability 0 never runs, 1 always
        PipelineImageTransform never = new PipelineImageTransform.Builder().addImageTransform(new FlipImageTransform(1), 0.0).build();
        assertArrayEquals(g.planes()[0], never.transform(g).planes()[0], 0);
        PipelineImageTransform always = new PipelineImageTransform.Builder().setSeed(3).addImageTransform(new FlipImageTransform(1)).build();
        assertEquals(at(g, 3, 0), at(always.transform(g), 0, 0), 0);
        // p = 0.5: about half the images flipped, the same ones for the same seed
        PipelineImageTransform half1 = new PipelineImageTransform(11, List.of(new Pair<>(new FlipImageTransform(1), 0.5)));
        PipelineImageTransform half2 = new PipelineImageTransform(11, List.of(new Pair<>(new FlipImageTransform(1), 0.5)));
        int flipped = 0;
        for (int i = 0; i < 200; i++) {
            float a = at(half1.transform(g), 0, 0);
            assertEquals(a, at(half2.transform(g), 0, 0), 0);
            if (a == 3) flipped++;
        }
        assertTrue("flipped " + flipped + " of 200", flipped > 70 && flipped < 130);
        // order matters (crop then scale vs scale then crop); shuffle varies it, deterministically per seed
        ImageTransform crop = new CropImageTransform(0, 0, 0, 2), scale = new ScaleImageTransform(4, 0);
        Set<Integer> widths = new HashSet<>();
        PipelineImageTransform shuffled = new PipelineImageTransform(5, true, crop, scale);
        for (int i = 0; i < 20; i++) widths.add(shuffled.transform(grid(8, 3)).getWidth());
        assertEquals(Set.of(10), widths);   // 8 - 2 + 4 either way
        ImageTransform flip = new FlipImageTransform(1);
        PipelineImageTransform order = new PipelineImageTransform(5, true, crop, flip);
        Set<Float> firsts = new HashSet<>();
        for (int i = 0; i < 20; i++) firsts.add(at(order.transform(grid(8, 3)), 0, 0));
        assertEquals("crop-then-flip and flip-then-crop both occur", 2, firsts.size());
        // MultiImageTransform applies everything in order
        ImageWritable m = new MultiImageTransform(new CropImageTransform(0, 0, 0, 2), new FlipImageTransform(1)).transform(grid(8, 3));
        assertEquals(6, m.getWidth());
        assertEquals(5, at(m, 0, 0), 0);
        assertNotEquals(at(m, 0, 0), at(grid(8, 3), 0, 0), 0);
    }

    /** The augmentation pipeline of DL4J's animal-classification example, through ImageRecordReader. */
    @Test
    public void imageRecordReaderAppliesTheTransform() throws Exception {
        File root = tmp.newFolder("animals");
        for (String cls : new String[]{"cat", "dog"}) {
            File d = new File(root, cls);
            d.mkdirs();
            for (int i = 0; i < 3; i++) {
                BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 10; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, (x * 20) << 16 | (y * 25) << 8 | (cls.equals("cat") ? 50 : 150) + i);
                ImageIO.write(img, "png", new File(d, cls + i + ".png"));
            }
        }
        int height = 10, width = 12, channels = 3, batchSize = 6, numLabels = 2;
        long seed = 42;
        Random rng = new Random(seed);
        ParentPathLabelGenerator labelMaker = new ParentPathLabelGenerator();
        FileSplit trainData = new FileSplit(root, new String[]{"png"}, rng);

        ImageRecordReader plain = new ImageRecordReader(height, width, channels, labelMaker);
        plain.initialize(trainData);
        DataSet original = new RecordReaderDataSetIterator(plain, batchSize, 1, numLabels).next();

        ImageRecordReader recordReader = new ImageRecordReader(height, width, channels, labelMaker);
        recordReader.initialize(trainData, new FlipImageTransform(1));
        DataSetIterator dataIter = new RecordReaderDataSetIterator(recordReader, batchSize, 1, numLabels);
        DataSet mirrored = dataIter.next();
        INDArray a = original.getFeatures(), b = mirrored.getFeatures();
        for (int n = 0; n < 6; n++) for (int c = 0; c < 3; c++) for (int y = 0; y < 10; y++) for (int x = 0; x < 12; x++) {
            assertEquals(a.getDouble(n, c, y, 11 - x), b.getDouble(n, c, y, x), 0);
        }
        assertEquals(original.getLabels(), mirrored.getLabels());

        ImageTransform flipTransform1 = new FlipImageTransform(rng);
        ImageTransform warpTransform = new WarpImageTransform(rng, 3);
        boolean shuffle = false;
        List<Pair<ImageTransform, Double>> pipeline = Arrays.asList(new Pair<>(flipTransform1, 0.9), new Pair<>(warpTransform, 0.5));
        ImageTransform transform = new PipelineImageTransform(pipeline, shuffle);
        recordReader.initialize(trainData, transform);
        DataSet augmented = new RecordReaderDataSetIterator(recordReader, batchSize, 1, numLabels).next();
        assertArrayEquals(new long[]{6, 3, 10, 12}, augmented.getFeatures().shape());
        assertTrue("augmentation changed the images", !augmented.getFeatures().equalsWithEps(a, 1e-3));
    }
}
