package org.pydl4j.nn.graph;

/**
 * One vertex of {@link ComputationGraph#vertexSummaries()}: its name, layer type (or vertex kind), sizes
 * ({@code nIn -> nOut} or geometry), the shape of one example of its output ({@code 32x112x112}; "-" when the
 * graph has no input types), and its parameters split by how they train: trainable, frozen (a frozen vertex's),
 * fixed (batch-norm running statistics). {@code frozen} is whether the vertex is frozen.
 */
public record VertexSummary(String name, String type, String sizes, String output, long trainableParams,
                            long frozenParams, long fixedParams, boolean frozen) {
    /** All parameters of the vertex. */
    public long params() { return trainableParams + frozenParams + fixedParams; }
}
