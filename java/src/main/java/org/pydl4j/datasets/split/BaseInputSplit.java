package org.pydl4j.datasets.split;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pydl4j.datasets.io.filters.BalancedPathFilter;
import org.pydl4j.datasets.io.filters.PathFilter;

/** Sampling shared by the input splits (DataVec's {@code BaseInputSplit}). */
public abstract class BaseInputSplit implements InputSplit {

    @Override
    public long length() { return locations().length; }

    /**
     * Filters the locations with {@code pathFilter} (when not null), then splits them by {@code weights}.
     *
     * <p>Part sizes: with {@code W} the sum of the weights and {@code c_k} the sum of the first {@code k+1}
     * weights, part {@code k} ends at {@code Math.round(n * c_k / W)} (the last part ends at {@code n}); for
     * example 506 paths at 80/20 give 405 and 101.
     *
     * <p>With a {@link BalancedPathFilter} the split is stratified: each label's paths (in the filter's random
     * order) are split separately by the rule above, and each part interleaves the labels again, labels in name
     * order. DataVec instead cuts the interleaved list once, which gives nearly the same per-class sizes. With any
     * other filter (or none) the filtered list is cut in order.
     *
     * @return one split per weight, disjoint, together holding every filtered path
     */
    @Override
    public InputSplit[] sample(PathFilter pathFilter, double... weights) {
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("sample: give at least one weight, e.g. sample(filter, 80, 20)");
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("sample: weights must be finite and >= 0, got " + w);
            total += w;
        }
        if (total <= 0) throw new IllegalArgumentException("sample: weights sum to 0");
        URI[] paths = locations();
        if (pathFilter != null) paths = pathFilter.filter(paths);

        List<List<URI>> parts = new ArrayList<>();
        for (int k = 0; k < weights.length; k++) parts.add(new ArrayList<>());
        if (pathFilter instanceof BalancedPathFilter) {
            Map<String, List<URI>> groups = ((BalancedPathFilter) pathFilter).groupByLabel(paths);
            List<List<List<URI>>> perLabel = new ArrayList<>();
            for (List<URI> g : groups.values()) perLabel.add(cut(g, weights, total));
            for (int k = 0; k < weights.length; k++) {
                int longest = 0;
                for (List<List<URI>> p : perLabel) longest = Math.max(longest, p.get(k).size());
                for (int i = 0; i < longest; i++) {
                    for (List<List<URI>> p : perLabel) {
                        if (i < p.get(k).size()) parts.get(k).add(p.get(k).get(i));
                    }
                }
            }
        } else {
            parts = cut(List.of(paths), weights, total);
        }
        InputSplit[] out = new InputSplit[weights.length];
        for (int k = 0; k < weights.length; k++) out[k] = new CollectionInputSplit(parts.get(k));
        return out;
    }

    private static List<List<URI>> cut(List<URI> paths, double[] weights, double total) {
        List<List<URI>> out = new ArrayList<>();
        int n = paths.size();
        int start = 0;
        double cum = 0;
        for (int k = 0; k < weights.length; k++) {
            cum += weights[k];
            int end = k == weights.length - 1 ? n : (int) Math.min(n, Math.round(n * cum / total));
            end = Math.max(end, start);
            out.add(new ArrayList<>(paths.subList(start, end)));
            start = end;
        }
        return out;
    }
}
