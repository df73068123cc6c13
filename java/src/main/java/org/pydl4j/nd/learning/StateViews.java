package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;

/** Splits an updater's flat state view into equal consecutive parts (e.g. m then v), each a live view. */
final class StateViews {
    private StateViews() {}

    static INDArray[] split(String updater, INDArray view, int parts) {
        if (view == null || view.length() % parts != 0) {
            throw new IllegalArgumentException(updater + " state must hold " + parts + " equal parts, got " + (view == null ? "none" : view.length() + " values"));
        }
        long n = view.length() / parts;
        INDArray flat = view.reshape(view.length());
        INDArray[] out = new INDArray[parts];
        for (int i = 0; i < parts; i++) out[i] = flat.get(NDArrayIndex.interval(i * n, (i + 1) * n));
        return out;
    }

    static void checkLength(String updater, INDArray state, INDArray gradient) {
        if (state.length() != gradient.length()) {
            throw new IllegalArgumentException(updater + " state holds " + state.length() + " values per part for a gradient of " + gradient.length());
        }
    }
}
