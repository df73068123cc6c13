package org.pydl4j.datasets;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.datasets.image.loader.BaseImageLoader;
import org.pydl4j.datasets.io.filters.BalancedPathFilter;
import org.pydl4j.datasets.io.filters.RandomPathFilter;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.datasets.split.InputSplit;

public class FileSplitTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();
    private File root;
    private final ParentPathLabelGenerator gen = new ParentPathLabelGenerator();

    /** cats: 10 images, dogs: 7, birds: 5; plus files that must be ignored. */
    @Before
    public void setUp() throws Exception {
        root = tmp.newFolder("root");
        for (int i = 0; i < 10; i++) TestImages.touch(new File(root, "cats"), "c" + i + (i % 2 == 0 ? ".jpg" : ".JPG"));
        for (int i = 0; i < 7; i++) TestImages.touch(new File(root, "dogs"), "d" + i + ".png");
        for (int i = 0; i < 5; i++) TestImages.touch(new File(root, "birds"), "b" + i + ".jpeg");
        TestImages.touch(new File(root, "dogs"), "notes.txt");
        TestImages.touch(new File(root, "dogs"), ".hidden.jpg");
        TestImages.touch(new File(root, ".thumbs"), "x.jpg");
    }

    private Map<String, Integer> countByLabel(URI[] paths) {
        Map<String, Integer> m = new TreeMap<>();
        for (URI u : paths) m.merge(gen.getLabelForPath(u), 1, Integer::sum);
        return m;
    }

    @Test
    public void listsAllowedFilesRecursivelySkippingHiddenAndOtherExtensions() {
        FileSplit split = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(1));
        assertEquals(22, split.length());
        assertEquals(Map.of("birds", 5, "cats", 10, "dogs", 7), countByLabel(split.locations()));
        for (URI u : split.locations()) assertFalse(u.getPath(), u.getPath().contains("/."));
        assertEquals(23, new FileSplit(root).length());   // no extension filter: notes.txt too, hidden still skipped
    }

    @Test
    public void orderIsSeededAndPathSortedWithoutRandom() {
        URI[] a = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(7)).locations();
        URI[] b = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(7)).locations();
        URI[] c = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(8)).locations();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        URI[] sorted = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS).locations();
        List<String> names = new ArrayList<>();
        for (URI u : sorted) names.add(new File(u).getPath());
        List<String> copy = new ArrayList<>(names);
        copy.sort(null);
        assertEquals(copy, names);
    }

    @Test
    public void missingRootFailsNamingIt() {
        File missing = new File(root, "nope");
        try {
            new FileSplit(missing, BaseImageLoader.ALLOWED_FORMATS, new Random(1));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(missing.getAbsolutePath()));
        }
    }

    @Test
    public void balancedFilterEqualisesAndInterleavesClasses() {
        FileSplit split = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(3));
        URI[] out = new BalancedPathFilter(new Random(3), BaseImageLoader.ALLOWED_FORMATS, gen).filter(split.locations());
        assertEquals(15, out.length);
        assertEquals(Map.of("birds", 5, "cats", 5, "dogs", 5), countByLabel(out));
        for (int i = 0; i < out.length; i++) {
            assertEquals(new String[]{"birds", "cats", "dogs"}[i % 3], gen.getLabelForPath(out[i]));
        }
        URI[] capped = new BalancedPathFilter(new Random(3), BaseImageLoader.ALLOWED_FORMATS, gen, 2).filter(split.locations());
        assertEquals(Map.of("birds", 2, "cats", 2, "dogs", 2), countByLabel(capped));
        URI[] onlyCats = new BalancedPathFilter(new Random(3), BaseImageLoader.ALLOWED_FORMATS, gen, 0, 0, 0, 0, "cats").filter(split.locations());
        assertEquals(Map.of("cats", 10), countByLabel(onlyCats));
    }

    @Test
    public void balancedSampleIsStratifiedSeededAndDisjoint() {
        InputSplit[] s1 = sample(11);
        InputSplit[] s2 = sample(11);
        InputSplit[] s3 = sample(12);
        assertEquals(2, s1.length);
        // 5 per class after balancing: round(5 * 0.8) = 4 train, 1 test, for every class
        assertEquals(Map.of("birds", 4, "cats", 4, "dogs", 4), countByLabel(s1[0].locations()));
        assertEquals(Map.of("birds", 1, "cats", 1, "dogs", 1), countByLabel(s1[1].locations()));
        Set<URI> train = new HashSet<>(Arrays.asList(s1[0].locations()));
        for (URI u : s1[1].locations()) assertFalse("in both train and test: " + u, train.contains(u));
        assertArrayEquals(s1[0].locations(), s2[0].locations());
        assertArrayEquals(s1[1].locations(), s2[1].locations());
        assertNotEquals(new HashSet<>(Arrays.asList(s1[0].locations())), new HashSet<>(Arrays.asList(s3[0].locations())));
    }

    private InputSplit[] sample(long seed) {
        Random rng = new Random(seed);
        FileSplit split = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, rng);
        return split.sample(new BalancedPathFilter(rng, BaseImageLoader.ALLOWED_FORMATS, gen), 80, 20);
    }

    @Test
    public void unbalancedStratifiedSampleKeepsEveryFile() {
        // maxPathsPerLabel larger than every class and minPathsPerLabel = 10: nothing dropped, still stratified
        FileSplit split = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(5));
        BalancedPathFilter keepAll = new BalancedPathFilter(new Random(5), BaseImageLoader.ALLOWED_FORMATS, gen, 0, 0, 10, 0);
        InputSplit[] parts = split.sample(keepAll, 80, 20);
        assertEquals(Map.of("birds", 4, "cats", 8, "dogs", 6), countByLabel(parts[0].locations()));   // round(5.6) = 6
        assertEquals(Map.of("birds", 1, "cats", 2, "dogs", 1), countByLabel(parts[1].locations()));
    }

    @Test
    public void plainFilterCutsInOrderAndWeightsAreChecked() {
        FileSplit split = new FileSplit(root, BaseImageLoader.ALLOWED_FORMATS, new Random(2));
        InputSplit[] parts = split.sample(new RandomPathFilter(new Random(2), BaseImageLoader.ALLOWED_FORMATS), 50, 30, 20);
        assertEquals(11, parts[0].length());   // round(22 * 0.5)
        assertEquals(7, parts[1].length());    // round(22 * 0.8) = 18
        assertEquals(4, parts[2].length());
        InputSplit[] noFilter = split.sample(null, 1, 1);
        List<URI> joined = new ArrayList<>(Arrays.asList(noFilter[0].locations()));
        joined.addAll(Arrays.asList(noFilter[1].locations()));
        assertEquals(Arrays.asList(split.locations()), joined);
        try {
            split.sample(null, 0, 0);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("sum to 0"));
        }
        try {
            split.sample(null, 80, -20);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("-20"));
        }
    }
}
