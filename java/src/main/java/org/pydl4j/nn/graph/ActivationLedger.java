package org.pydl4j.nn.graph;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.INDArray;

/**
 * The activations of one training pass by vertex name, handing each array's memory back as soon as no vertex
 * needs it any more: a frozen vertex's output once its consumers ran (when none of them backpropagates), every
 * other output once the backward pass has gone past its vertex. Without this the whole forward pass plus every
 * epsilon of the backward pass stayed alive until the step's MemoryScope closed (several times PyTorch's peak).
 * Vertices may return one of their inputs as their output (an inference-mode dropout): an array is closed only when
 * the last name referring to it is released, and never when it is kept (network inputs and outputs).
 */
final class ActivationLedger {
    private final Map<String, INDArray> acts = new LinkedHashMap<>();
    private final Map<INDArray, Integer> refs = new IdentityHashMap<>();
    private final Set<INDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> neededForBackward;

    /** neededForBackward: vertices whose output a backward step reads (their own or a consumer's). */
    ActivationLedger(Set<String> neededForBackward) { this.neededForBackward = neededForBackward; }

    /** The activations by name (live view: released names are gone). */
    Map<String, INDArray> activations() { return acts; }

    void put(String name, INDArray a) {
        acts.put(name, a);
        refs.merge(a, 1, Integer::sum);
    }

    /** a is never closed here (a caller's input, a network output). */
    void keep(INDArray a) { kept.add(a); }

    void keepAll(Collection<String> names) {
        for (String n : names) {
            INDArray a = acts.get(n);
            if (a != null) kept.add(a);
        }
    }

    boolean neededForBackward(String name) { return neededForBackward.contains(name); }

    /** Forgets name's activation; closes the array when no other name refers to it and it is not kept. */
    void release(String name) {
        INDArray a = acts.remove(name);
        if (a == null) return;
        int left = refs.merge(a, -1, Integer::sum);
        if (left > 0) return;
        refs.remove(a);
        if (!kept.contains(a)) a.close();
    }
}
