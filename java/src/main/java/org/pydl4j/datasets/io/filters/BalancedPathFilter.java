package org.pydl4j.datasets.io.filters;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.io.labels.PathLabelGenerator;

/**
 * Shuffles the paths, then drops paths at random so that every label keeps the same number of paths (the size of
 * the smallest class, or {@code maxPathsPerLabel} if that is smaller), and interleaves the result by label
 * ({@code a b c a b c ...}), as DataVec's {@code BalancedPathFilter}.
 *
 * <p>Differences from DataVec, chosen for repeatability: label groups are ordered by label name (DataVec uses the
 * order in which labels first appear after shuffling), and {@code maxLabels} keeps the first labels by name.
 *
 * <p>When an input split is sampled through this filter ({@code FileSplit.sample(filter, 80, 20)}), each label's
 * paths are split by the weights separately, so every part is stratified (see
 * {@link org.pydl4j.datasets.split.BaseInputSplit#sample}).
 */
public class BalancedPathFilter extends RandomPathFilter {
    protected final PathLabelGenerator labelGenerator;
    protected final long maxLabels;
    protected final long minPathsPerLabel;
    protected final long maxPathsPerLabel;
    protected final String[] labels;

    /** Calls {@code this(random, extensions, labelGenerator, 0, 0, 0, 0)}: balance to the smallest class. */
    public BalancedPathFilter(Random random, String[] extensions, PathLabelGenerator labelGenerator) {
        this(random, extensions, labelGenerator, 0, 0, 0, 0);
    }

    /** Calls {@code this(random, extensions, labelGenerator, 0, 0, 0, maxPathsPerLabel)}. */
    public BalancedPathFilter(Random random, String[] extensions, PathLabelGenerator labelGenerator, long maxPathsPerLabel) {
        this(random, extensions, labelGenerator, 0, 0, 0, maxPathsPerLabel);
    }

    /** Calls {@code this(random, null, labelGenerator, 0, 0, 0, maxPathsPerLabel)}. */
    public BalancedPathFilter(Random random, PathLabelGenerator labelGenerator, long maxPathsPerLabel) {
        this(random, null, labelGenerator, 0, 0, 0, maxPathsPerLabel);
    }

    /** Calls {@code this(random, extensions, labelGenerator, 0, maxLabels, 0, maxPathsPerLabel)}. */
    public BalancedPathFilter(Random random, String[] extensions, PathLabelGenerator labelGenerator, long maxLabels,
                              long maxPathsPerLabel) {
        this(random, extensions, labelGenerator, 0, maxLabels, 0, maxPathsPerLabel);
    }

    /** Calls {@code this(random, null, labelGenerator, maxPaths, maxLabels, 0, maxPathsPerLabel)}. */
    public BalancedPathFilter(Random random, PathLabelGenerator labelGenerator, long maxPaths, long maxLabels, long maxPathsPerLabel) {
        this(random, null, labelGenerator, maxPaths, maxLabels, 0, maxPathsPerLabel);
    }

    /** Calls {@code this(random, extensions, labelGenerator, maxPaths, maxLabels, 0, maxPathsPerLabel)} (older DataVec). */
    public BalancedPathFilter(Random random, String[] extensions, PathLabelGenerator labelGenerator, long maxPaths, long maxLabels,
                              long maxPathsPerLabel) {
        this(random, extensions, labelGenerator, maxPaths, maxLabels, 0, maxPathsPerLabel);
    }

    /**
     * @param random           shuffles the paths (seed it for a repeatable result)
     * @param extensions       extensions of files to keep (null: all)
     * @param labelGenerator   labels paths (null: {@link ParentPathLabelGenerator})
     * @param maxPaths         the most paths returned in total, 0 for no limit
     * @param maxLabels        the most labels kept (the first by name), 0 for no limit
     * @param minPathsPerLabel keep at least this many per label even if a class is smaller (then unbalanced)
     * @param maxPathsPerLabel the most paths per label, 0 for no limit
     * @param labels           only keep paths with these labels (none given: all labels)
     */
    public BalancedPathFilter(Random random, String[] extensions, PathLabelGenerator labelGenerator, long maxPaths,
                              long maxLabels, long minPathsPerLabel, long maxPathsPerLabel, String... labels) {
        super(random, extensions, maxPaths);
        if (maxLabels < 0 || minPathsPerLabel < 0 || maxPathsPerLabel < 0) {
            throw new IllegalArgumentException("BalancedPathFilter: maxLabels, minPathsPerLabel and maxPathsPerLabel must be >= 0, got "
                    + maxLabels + ", " + minPathsPerLabel + ", " + maxPathsPerLabel);
        }
        this.labelGenerator = labelGenerator == null ? new ParentPathLabelGenerator() : labelGenerator;
        this.maxLabels = maxLabels;
        this.minPathsPerLabel = minPathsPerLabel;
        this.maxPathsPerLabel = maxPathsPerLabel;
        this.labels = labels == null ? new String[0] : labels.clone();
    }

    public PathLabelGenerator getLabelGenerator() { return labelGenerator; }

    private boolean acceptLabel(String label) {
        return labels.length == 0 || Arrays.asList(labels).contains(label);
    }

    /**
     * Groups paths by label, labels sorted by name, each group keeping the order of {@code paths}.
     * Paths whose label is not accepted are dropped.
     */
    public Map<String, List<URI>> groupByLabel(URI[] paths) {
        TreeMap<String, List<URI>> byLabel = new TreeMap<>();
        for (URI u : paths) {
            String label = labelGenerator.getLabelForPath(u);
            if (!acceptLabel(label)) continue;
            byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(u);
        }
        Map<String, List<URI>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<URI>> e : byLabel.entrySet()) {
            if (maxLabels > 0 && out.size() >= maxLabels) break;
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public URI[] filter(URI[] paths) {
        // shuffle and extension filter, without the total limit (applied after balancing)
        URI[] shuffled = new RandomPathFilter(random, extensions, 0).filter(paths);
        Map<String, List<URI>> groups = groupByLabel(shuffled);
        if (groups.isEmpty()) return new URI[0];
        long perLabel = maxPathsPerLabel > 0 ? maxPathsPerLabel : Long.MAX_VALUE;
        for (List<URI> g : groups.values()) perLabel = Math.min(perLabel, g.size());
        perLabel = Math.max(perLabel, minPathsPerLabel);
        List<URI> out = new ArrayList<>();
        for (int i = 0; i < perLabel; i++) {
            for (List<URI> g : groups.values()) {
                if (i < g.size()) out.add(g.get(i));
            }
        }
        if (maxPaths > 0 && out.size() > maxPaths) return out.subList(0, (int) maxPaths).toArray(new URI[0]);
        return out.toArray(new URI[0]);
    }
}
