package org.pydl4j.nd.learning.regularization;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleConsumer;

/**
 * The l1, l2 and weight-decay coefficients that a list of regularizations sets. As DL4J's {@code regularization(List)},
 * the list replaces the whole setting: kinds missing from it become 0. Each kind may appear once.
 */
public record RegularizationCoefficients(double l1, double l2, double weightDecay) {

    public static RegularizationCoefficients of(String setting, List<? extends Regularization> list) {
        if (list == null) throw new IllegalArgumentException(setting + ": the list is null (give an empty list for none)");
        double l1 = 0, l2 = 0, weightDecay = 0;
        Set<Class<?>> seen = new HashSet<>();
        for (Regularization r : list) {
            if (r == null) throw new IllegalArgumentException(setting + ": the list holds a null");
            if (!seen.add(r.getClass())) {
                throw new IllegalArgumentException(setting + ": " + r.getClass().getSimpleName() + " appears twice; give each kind once");
            }
            if (r instanceof L1Regularization x) l1 = x.l1();
            else if (r instanceof L2Regularization x) l2 = x.l2();
            else if (r instanceof WeightDecay x) weightDecay = x.coeff();
        }
        return new RegularizationCoefficients(l1, l2, weightDecay);
    }

    /** {@link #of} handed to a builder's three setters (l1, l2, weight decay), as its {@code regularization(List)} does. */
    public static void assign(String setting, List<? extends Regularization> list, DoubleConsumer l1, DoubleConsumer l2,
                              DoubleConsumer weightDecay) {
        RegularizationCoefficients k = of(setting, list);
        l1.accept(k.l1());
        l2.accept(k.l2());
        weightDecay.accept(k.weightDecay());
    }

    /** The regularizations with a non-zero coefficient, l1, l2, weight decay in that order. */
    public List<Regularization> toList() {
        List<Regularization> out = new ArrayList<>(3);
        if (l1 > 0) out.add(new L1Regularization(l1));
        if (l2 > 0) out.add(new L2Regularization(l2));
        if (weightDecay > 0) out.add(new WeightDecay(weightDecay, true));
        return List.copyOf(out);
    }
}
