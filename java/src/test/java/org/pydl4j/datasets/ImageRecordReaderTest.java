package org.pydl4j.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.datasets.image.loader.BaseImageLoader;
import org.pydl4j.datasets.image.loader.NativeImageLoader;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.CollectionInputSplit;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;

public class ImageRecordReaderTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    private static void assertAll(INDArray a, int channel, double expected, double tol) {
        long h = a.size(2), w = a.size(3);
        for (long y = 0; y < h; y++) {
            for (long x = 0; x < w; x++) {
                assertEquals("channel " + channel + " at " + y + "," + x, expected, a.getDouble(0, channel, y, x), tol);
            }
        }
    }

    @Test
    public void solidColourPngResizesToExactValues() throws Exception {
        File f = TestImages.solidRgb(tmp.newFolder("red"), "a.png", 40, 30, 10, 200, 30, "png");
        INDArray a = new NativeImageLoader(6, 8, 3).asMatrix(f);
        assertArrayEquals(new long[]{1, 3, 6, 8}, a.shape());
        assertEquals(DataType.FLOAT, a.dataType());
        assertAll(a, 0, 10, 0);
        assertAll(a, 1, 200, 0);
        assertAll(a, 2, 30, 0);
    }

    @Test
    public void solidColourJpegIsCloseAfterCompression() throws Exception {
        File f = TestImages.solidRgb(tmp.newFolder("j"), "a.jpg", 32, 24, 40, 120, 220, "jpg");
        INDArray a = new NativeImageLoader(12, 16, 3).asMatrix(f);
        assertAll(a, 0, 40, 4);
        assertAll(a, 1, 120, 4);
        assertAll(a, 2, 220, 4);
    }

    @Test
    public void bilinearUsesPixelCentres() throws Exception {
        // 2x1 -> 4x1: source x = (i + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        File f = TestImages.gray(tmp.newFolder("g"), "ramp.png", new int[][]{{0, 100}}, "png");
        INDArray a = new NativeImageLoader(1, 4, 1).asMatrix(f);
        assertArrayEquals(new float[]{0, 25, 75, 100}, a.toFloatVector(), 1e-5f);
        // 2x2 -> 3x3 in both directions: centre pixel is the mean of the four corners
        File g = TestImages.gray(tmp.newFolder("g2"), "sq.png", new int[][]{{0, 40}, {80, 120}}, "png");
        INDArray b = new NativeImageLoader(3, 3, 1).asMatrix(g);
        // positions (i + 0.5) * 2/3 - 0.5 = -1/6 -> 0, 0.5, 7/6 -> clamped 1
        assertArrayEquals(new float[]{0, 20, 40, 40, 60, 80, 80, 100, 120}, b.toFloatVector(), 1e-4f);
        // downscale 4x1 -> 2x1: positions 0.5 and 2.5
        File d = TestImages.gray(tmp.newFolder("g3"), "d.png", new int[][]{{0, 10, 20, 30}}, "png");
        assertArrayEquals(new float[]{5, 25}, new NativeImageLoader(1, 2, 1).asMatrix(d).toFloatVector(), 1e-5f);
    }

    @Test
    public void grayscaleBecomesThreeEqualChannelsWithRawValues() throws Exception {
        File f = TestImages.gray(tmp.newFolder("gray"), "g.png", new int[][]{{77, 77}, {77, 77}}, "png");
        INDArray a = new NativeImageLoader(4, 4, 3).asMatrix(f);
        for (int c = 0; c < 3; c++) assertAll(a, c, 77, 0);
    }

    @Test
    public void alphaIsDroppedAndColourToGrayUsesLuma() throws Exception {
        BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) img.setRGB(x, y, (0x40 << 24) | (100 << 16) | (50 << 8) | 200);
        File f = TestImages.write(img, tmp.newFolder("alpha"), "a.png", "png");
        INDArray rgb = new NativeImageLoader(3, 3, 3).asMatrix(f);
        assertAll(rgb, 0, 100, 0);
        assertAll(rgb, 1, 50, 0);
        assertAll(rgb, 2, 200, 0);
        INDArray g = new NativeImageLoader(3, 3, 1).asMatrix(f);
        assertAll(g, 0, 0.299 * 100 + 0.587 * 50 + 0.114 * 200, 1e-4);
    }

    @Test
    public void paletteImageIsExpanded() throws Exception {
        // two-colour palette: index 0 = (255, 0, 0), index 1 = (0, 128, 64); left column index 1, rest index 0
        IndexColorModel pal = new IndexColorModel(8, 2, new byte[]{(byte) 255, 0}, new byte[]{0, (byte) 128}, new byte[]{0, 64});
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_INDEXED, pal);
        for (int y = 0; y < 2; y++) img.getRaster().setSample(0, y, 0, 1);
        // PNG only: the JDK's GIF and BMP writers re-pack 2-colour palettes to 1 bit and misplace pixels
        File f = TestImages.write(img, tmp.newFolder("pal"), "p.png", "png");
        INDArray a = new NativeImageLoader(2, 3, 3).asMatrix(f);
        assertArrayEquals(new float[]{0, 255, 255, 0, 255, 255, 128, 0, 0, 128, 0, 0, 64, 0, 0, 64, 0, 0}, a.toFloatVector(), 0f);
    }

    @Test
    public void sixteenBitGrayIsRescaledTo255() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 65535);
        img.getRaster().setSample(1, 0, 0, 13107);   // 65535 / 5
        File f = TestImages.write(img, tmp.newFolder("g16"), "g.png", "png");
        assertArrayEquals(new float[]{255, 51}, new NativeImageLoader(1, 2, 1).asMatrix(f).toFloatVector(), 1e-3f);
    }

    @Test
    public void labelsAreSortedFolderNamesAndRecordsCarryTheirIndex() throws Exception {
        File root = tmp.newFolder("root");
        TestImages.solidRgb(new File(root, "zebra"), "z.png", 5, 5, 1, 2, 3, "png");
        TestImages.solidRgb(new File(root, "apple"), "a.png", 5, 5, 4, 5, 6, "png");
        TestImages.solidRgb(new File(root, "mango"), "m.png", 5, 5, 7, 8, 9, "png");
        ImageRecordReader rr = new ImageRecordReader(5, 5, 3, new ParentPathLabelGenerator());
        rr.initialize(new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new java.util.Random(4)));
        assertEquals(Arrays.asList("apple", "mango", "zebra"), rr.getLabels());
        int n = 0;
        while (rr.hasNext()) {
            List<Object> rec = rr.next();
            assertEquals(2, rec.size());
            INDArray img = (INDArray) rec.get(0);
            int label = (Integer) rec.get(1);
            String folder = rr.getCurrentFile().getParentFile().getName();
            assertEquals(folder, rr.getLabels().get(label));
            double expectedRed = folder.equals("zebra") ? 1 : folder.equals("apple") ? 4 : 7;
            assertEquals(expectedRed, img.getDouble(0, 0, 2, 2), 0);
            n++;
        }
        assertEquals(3, n);
        rr.reset();
        assertTrue(rr.hasNext());
    }

    @Test
    public void unreadableFileFailsNamingItOrIsSkippedAndReported() throws Exception {
        File root = tmp.newFolder("bad");
        File good = TestImages.solidRgb(new File(root, "a"), "good.png", 4, 4, 9, 9, 9, "png");
        File bad = new File(new File(root, "a"), "broken.jpg");
        Files.writeString(bad.toPath(), "this is not a JPEG");
        File hidden = new File(new File(root, "a"), ".DS_Store.jpg");
        Files.writeString(hidden.toPath(), "junk");

        ImageRecordReader strict = new ImageRecordReader(4, 4, 3, new ParentPathLabelGenerator());
        strict.initialize(new CollectionInputSplit(Arrays.asList(bad.toURI(), good.toURI(), hidden.toURI())));
        assertEquals(2, strict.numFiles());   // hidden file dropped
        try {
            strict.next();
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(bad.getAbsolutePath()));
        }

        ImageRecordReader lenient = new ImageRecordReader(4, 4, 3, new ParentPathLabelGenerator());
        lenient.setSkipUnreadable(true);
        File good2 = TestImages.solidRgb(new File(root, "a"), "good2.png", 4, 4, 7, 7, 7, "png");
        lenient.initialize(new CollectionInputSplit(Arrays.asList(good.toURI(), bad.toURI(), good2.toURI(), bad.toURI())));
        assertTrue(lenient.hasNext());
        assertEquals(9.0, ((INDArray) lenient.next().get(0)).getDouble(0, 0, 0, 0), 0);
        assertEquals(good.getAbsolutePath(), lenient.getCurrentFile().getAbsolutePath());
        assertTrue(lenient.hasNext());   // decodes ahead past the broken file to good2
        assertEquals("look-ahead must not change the current file", good.getAbsolutePath(), lenient.getCurrentFile().getAbsolutePath());
        assertEquals(7.0, ((INDArray) lenient.next().get(0)).getDouble(0, 0, 0, 0), 0);
        assertEquals(good2.getAbsolutePath(), lenient.getCurrentFile().getAbsolutePath());
        assertFalse("only the broken file is left, so hasNext must be false", lenient.hasNext());
        assertEquals(2, lenient.getSkippedFiles().size());
        assertTrue(lenient.getSkippedFiles().get(0).startsWith(bad.getAbsolutePath() + ": "));
    }

    @Test
    public void badChannelsAndMissingFileAreClearErrors() throws Exception {
        try {
            new ImageRecordReader(10, 10, 4, new ParentPathLabelGenerator());
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("channels"));
        }
        File missing = new File(tmp.getRoot(), "none.png");
        try {
            new NativeImageLoader(2, 2, 3).asMatrix(missing);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(missing.getAbsolutePath()));
        }
    }

    @Test
    public void labelMissingFromGivenLabelsIsAnError() throws Exception {
        File root = tmp.newFolder("lab");
        File f = TestImages.solidRgb(new File(root, "cat"), "c.png", 3, 3, 1, 1, 1, "png");
        ImageRecordReader rr = new ImageRecordReader(3, 3, 3, new ParentPathLabelGenerator());
        rr.initialize(new CollectionInputSplit(List.of(f.toURI())));
        rr.setLabels(List.of("bird", "dog"));
        try {
            rr.next();
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'cat'") && e.getMessage().contains(f.getAbsolutePath()));
        }
    }

    /** Code written for DataVec handles initialize's IOException; it must compile (and run) unchanged here. */
    @Test
    public void dataVecStyleIOExceptionHandlingCompiles() throws Exception {
        File root = tmp.newFolder("dv");
        File f = TestImages.solidRgb(new File(root, "cat"), "c.png", 3, 3, 1, 1, 1, "png");
        org.pydl4j.datasets.records.RecordReader rr = new ImageRecordReader(3, 3, 3, new ParentPathLabelGenerator());
        try {
            rr.initialize(new CollectionInputSplit(List.of(f.toURI())));
        } catch (java.io.IOException | InterruptedException e) {
            fail("a readable split must not throw: " + e);
        }
        assertEquals(List.of("cat"), rr.getLabels());
    }
}
