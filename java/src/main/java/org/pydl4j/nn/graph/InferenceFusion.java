package org.pydl4j.nn.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.InferenceProgram;
import org.pydl4j.nd.backend.PoolingType;
import org.pydl4j.nd.backend.ProgramSpec;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.pydl4j.nn.graph.vertex.impl.LayerVertex;
import org.pydl4j.nn.layers.ActivationLayer;
import org.pydl4j.nn.layers.BatchNormalization;
import org.pydl4j.nn.layers.ConvolutionLayer;
import org.pydl4j.nn.layers.FrozenLayer;
import org.pydl4j.nn.layers.GlobalPoolingLayer;
import org.pydl4j.nn.layers.SubsamplingLayer;

/**
 * The inference forward pass of a ComputationGraph ({@link ComputationGraph#output} when not training):
 * <ul>
 * <li>runs of consecutive vertices the backends can compile (convolutions, batch norms, poolings, global average
 * or max pooling, elementwise activations, residual additions, inference dropout) become one
 * {@link InferenceProgram} per run ("segment"), compiled once per input shape; on the cpu backend intermediate
 * values then stay in oneDNN's layouts from op to op and never pass through Java;</li>
 * <li>a convolution with a linear output whose only consumer is a batch normalization (optionally followed by an
 * elementwise activation layer, its only consumer) is one convolution with the normalization folded into its
 * weights and bias ({@link ConvolutionLayer#inferenceWeights}) and the activation fused into the kernel; a batch
 * normalization on its own is a per-channel (depthwise 1x1) convolution;</li>
 * <li>every activation's memory is given back ({@link INDArray#close}) once its last consumer ran, except the
 * network's inputs and outputs.</li>
 * </ul>
 * Three stages: {@link #plan} (which vertices form segments; fixed for the graph and input ranks), {@link #compile}
 * (a segment and input shapes to an immutable {@code CompiledSegment}) and the run (leases the segment's program for
 * the shapes from its {@link ProgramCache} and runs it). Nothing a run uses is mutable shared state, so threads may
 * run one graph at once (FusedInferenceSafetyTest); evicted or replaced programs are closed only after their last
 * run. Results equal the layer-by-layer pass within float rounding (InferenceFusionTest). Of training, only the
 * frozen part of a pass comes here ({@link FrozenPrefix}); feedForward and gradient checks never do. System property
 * {@code pydl4j.inference.fuse=false} turns it off.
 */
final class InferenceFusion {
    private enum Kind { CONV, BN, POOL, GLOBAL_POOL, ADD, ACT, ALIAS }

    /** One compiled vertex (or conv -> bn [-> act] chain, named by its last vertex). */
    private static final class Item {
        final Kind kind;
        final String name;          // the vertex whose activation this produces
        final List<String> inputs;  // vertex names read
        ConvolutionLayer conv;
        BatchNormalization bn;
        ActivationSpec act = ActivationSpec.of(Activation.IDENTITY);
        Layer layer;                // POOL / GLOBAL_POOL: the runtime layer

        // Batch-norm-folded weights and bias with the parameter arrays (and their write counts) they came from, kept
        // while those are unchanged so they are not rebuilt (and, on a device backend, not uploaded again) for every
        // batch. Replaced whole, never modified: a run that took one keeps valid arrays even if another thread refolds.
        private Folded folded;

        Item(Kind kind, String name, List<String> inputs) {
            this.kind = kind;
            this.name = name;
            this.inputs = inputs;
        }

        synchronized INDArray[] folded(DataType type, java.util.function.Supplier<INDArray[]> fold, INDArray... from) {
            Folded f = folded;
            if (f != null && f.arrays[0].dataType() == type && f.current(from)) return f.arrays;
            // made outside any MemoryScope of the caller: a scope must not close what this cache keeps. Replaced
            // arrays are left to the garbage collector (a concurrent run may still read them), never closed here.
            INDArray[][] made = new INDArray[1][];
            org.pydl4j.nd.MemoryScope.outside(() -> made[0] = fold.get());
            long[] writes = new long[from.length];
            for (int i = 0; i < from.length; i++) writes[i] = from[i] == null ? 0 : from[i].writeCount();
            folded = new Folded(made[0], from.clone(), writes);
            return made[0];
        }
    }

    /** Folded arrays and the parameter arrays (with write counts) they were computed from. */
    private record Folded(INDArray[] arrays, INDArray[] from, long[] writes) {
        boolean current(INDArray[] now) {
            if (now.length != from.length) return false;
            for (int i = 0; i < now.length; i++) {
                if (now[i] != from[i]) return false;
                if (now[i] != null && (now[i].isClosed() || now[i].writeCount() != writes[i])) return false;
            }
            for (INDArray a : arrays) if (a != null && a.isClosed()) return false;
            return true;
        }
    }

    /** A step of the pass: a segment of compiled items, or one vertex run by itself. */
    private static final class Step {
        final String vertex;                    // plain vertex step, else null
        final List<Item> items = new ArrayList<>();
        final List<String> reads = new ArrayList<>();     // external activations the step reads (distinct)
        final List<String> produces = new ArrayList<>();  // activations the step leaves for later steps / outputs
        final ProgramCache programs = new ProgramCache();

        Step(String vertex) { this.vertex = vertex; }
    }

    private final ComputationGraphConfiguration conf;
    private final Map<String, GraphVertex> vertices;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Integer> readers = new HashMap<>();   // how many steps read each activation
    private int compiledVertices;

    private InferenceFusion(ComputationGraphConfiguration conf, Map<String, GraphVertex> vertices) {
        this.conf = conf;
        this.vertices = vertices;
    }

    /** True unless the system property pydl4j.inference.fuse is "false". */
    static boolean enabled() { return !"false".equalsIgnoreCase(System.getProperty("pydl4j.inference.fuse", "true")); }

    /**
     * Plans the pass for network inputs of the given ranks (in network-input order); only vertices whose inputs
     * are 4-d images are compiled. Which activations are 4-d follows from the layer kinds.
     */
    static InferenceFusion plan(ComputationGraphConfiguration conf, List<String> order, Map<String, GraphVertex> vertices,
                                int[] inputRanks) {
        InferenceFusion f = new InferenceFusion(conf, vertices);
        f.inputRanks = inputRanks.clone();
        f.build(order, f.images(order, inputRanks));
        return f;
    }

    private int[] inputRanks;

    /** True if this plan was made for network inputs of these ranks. */
    boolean fits(INDArray[] in) {
        if (in.length != inputRanks.length) return false;
        for (int i = 0; i < in.length; i++) if (in[i].rank() != inputRanks[i]) return false;
        return true;
    }

    /** Convolution and subsampling layers (without preprocessor) only take [N, C, H, W] inputs and make 4-d outputs. */
    private static boolean requiresImages(GraphVertex v) {
        LayerKind.Fusion f = fusion(v);
        return f == LayerKind.Fusion.CONVOLUTION || f == LayerKind.Fusion.POOLING;
    }

    /** The vertices whose activations are 4-d [N, C, H, W] for inputs of these ranks. */
    private Set<String> images(List<String> order, int[] inputRanks) {
        Set<String> four = new HashSet<>();
        List<String> netIn = conf.getNetworkInputs();
        for (int i = 0; i < netIn.size(); i++) if (inputRanks[i] == 4) four.add(netIn.get(i));
        for (String name : order) {
            GraphVertex v = vertices.get(name);
            if (v.isInputVertex()) continue;
            if (requiresImages(v)) {   // these layers reject anything but [N, C, H, W]
                four.add(name);
                continue;
            }
            List<String> in = conf.getVertexInputs().get(name);
            boolean allFour = !in.isEmpty() && four.containsAll(in);
            if (!allFour) continue;
            LayerKind<?> kind = kind(v);
            if (v instanceof ElementWiseVertex || kind != null && kind.channels() == LayerKind.Channels.PASSES_THROUGH
                    && kind.fusion() != LayerKind.Fusion.GLOBAL_POOLING) {
                four.add(name);   // shape-preserving, or at least still 4-d (padding, pooling)
            }
        }
        return four;
    }

    /** Vertices run inside compiled segments (tests, diagnostics). */
    int compiledVertices() { return compiledVertices; }

    /** Number of compiled segments. */
    int segments() {
        int n = 0;
        for (Step s : steps) if (s.vertex == null) n++;
        return n;
    }

    // ---------------------------------------------------------------- planning

    /** The runtime layer of a layer vertex without preprocessor (frozen layers unwrapped); null otherwise. */
    private static Layer runtime(GraphVertex v) {
        if (!(v instanceof LayerVertex) || ((LayerVertex) v).getPreProcessor() != null) return null;
        Layer l = v.getLayer();
        while (l instanceof FrozenLayer) l = ((FrozenLayer) l).getInsideLayer();
        return l;
    }

    /** The kind of a layer vertex without preprocessor; null for other vertices and unregistered layers. */
    private static LayerKind<?> kind(GraphVertex v) {
        Layer l = runtime(v);
        return l == null ? null : LayerKinds.find(l.layerConf().getClass());
    }

    private static LayerKind.Fusion fusion(GraphVertex v) {
        LayerKind<?> k = kind(v);
        return k == null ? LayerKind.Fusion.NONE : k.fusion();
    }

    /** The runtime layer of a vertex whose kind has the given fusion, as the runtime class that fusion needs. */
    private static <T> T layer(GraphVertex v, LayerKind.Fusion f, Class<T> runtime) {
        if (v == null || fusion(v) != f) return null;
        Layer l = runtime(v);
        if (!runtime.isInstance(l)) {
            throw new IllegalStateException("layer kind " + kind(v).name() + " declares fusion " + f + " but its runtime layer "
                    + l.getClass().getName() + " is not a " + runtime.getName());
        }
        return runtime.cast(l);
    }

    private void build(List<String> order, Set<String> fourD) {
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, List<String>> consumers = new HashMap<>();
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            for (String src : e.getValue()) consumers.computeIfAbsent(src, k -> new ArrayList<>()).add(e.getKey());
        }
        List<String> outputs = conf.getNetworkOutputs();
        Set<String> absorbed = new HashSet<>();
        Set<String> segmentValues = new HashSet<>();   // 4-d values of the open segment
        Step open = null;
        for (String name : order) {
            GraphVertex v = vertices.get(name);
            if (v.isInputVertex() || absorbed.contains(name)) continue;
            List<String> in = inputs.get(name);
            // layers that only take images compile whatever their input: a wrong input fails in the segment's checks
            boolean images = fourD.containsAll(in) || requiresImages(v) || fusion(v) == LayerKind.Fusion.GLOBAL_POOLING;
            int absorbedBefore = absorbed.size();
            Item item = images ? classify(name, v, in, consumers, inputs, outputs, absorbed) : null;
            if (item != null && (item.kind == Kind.ADD || item.kind == Kind.ALIAS)) {
                // operands must be 4-d values of this segment
                if (open == null || !segmentValues.containsAll(in)) item = null;
            }
            if (item != null) {
                if (open == null) open = new Step(null);
                open.items.add(item);
                compiledVertices += 1 + absorbed.size() - absorbedBefore;
                if (item.kind != Kind.GLOBAL_POOL) segmentValues.add(item.name);
                continue;
            }
            if (open != null) {
                steps.add(open);
                open = null;
                segmentValues.clear();
            }
            steps.add(new Step(name));
        }
        if (open != null) steps.add(open);

        // what each step reads from earlier steps, and what it leaves for later ones
        Map<String, Step> producer = new HashMap<>();
        for (Step s : steps) {
            Set<String> inside = new HashSet<>();
            if (s.vertex != null) {
                for (String src : inputs.get(s.vertex)) if (!s.reads.contains(src)) s.reads.add(src);
                s.produces.add(s.vertex);
                producer.put(s.vertex, s);
                continue;
            }
            for (Item it : s.items) {
                for (String src : it.inputs) if (!inside.contains(src) && !s.reads.contains(src)) s.reads.add(src);
                inside.add(it.name);
                producer.put(it.name, s);
            }
        }
        for (Step s : steps) for (String r : s.reads) readers.merge(r, 1, Integer::sum);
        for (Step s : steps) {
            if (s.vertex != null) continue;
            for (Item it : s.items) {
                boolean usedOutside = outputs.contains(it.name);
                for (Step o : steps) if (o != s && o.reads.contains(it.name)) usedOutside = true;
                if (usedOutside) s.produces.add(it.name);
            }
        }
    }

    private String soleConsumer(String name, Map<String, List<String>> consumers, Map<String, List<String>> inputs, List<String> outputs) {
        if (outputs.contains(name)) return null;
        List<String> c = consumers.getOrDefault(name, Collections.emptyList());
        if (c.size() != 1) return null;
        List<String> in = inputs.get(c.get(0));
        return in != null && in.size() == 1 ? c.get(0) : null;
    }

    private Item classify(String name, GraphVertex v, List<String> in, Map<String, List<String>> consumers,
                          Map<String, List<String>> inputs, List<String> outputs, Set<String> absorbed) {
        if (v instanceof ElementWiseVertex) {
            if (in.size() != 2 || !"Add".equals(elementWiseOp(name))) return null;
            return new Item(Kind.ADD, name, in);
        }
        ConvolutionLayer cl = layer(v, LayerKind.Fusion.CONVOLUTION, ConvolutionLayer.class);
        if (cl != null) {
            ActivationSpec act = cl.layerConf().getActivationSpec();
            if (!Backend.isFusable(act.kind())) return null;
            Item it = new Item(Kind.CONV, name, in);
            it.conv = cl;
            it.act = act;
            String bnName = act.kind() == Activation.IDENTITY ? soleConsumer(name, consumers, inputs, outputs) : null;
            BatchNormalization bl = bnName == null ? null : layer(vertices.get(bnName), LayerKind.Fusion.BATCH_NORMALIZATION, BatchNormalization.class);
            if (bl != null && Backend.isFusable(bl.layerConf().getActivationFn())) {
                it.bn = bl;
                absorbed.add(bnName);
                ActivationSpec a = bl.layerConf().getActivationSpec();
                String last = bnName;
                if (a.kind() == Activation.IDENTITY) {
                    String next = absorbActivation(bnName, consumers, inputs, outputs, absorbed);
                    if (next != null) {
                        a = vertexActivation(next);
                        last = next;
                    }
                }
                it.act = a;
                return new Renamed(it, last).item;
            }
            // a linear convolution whose only consumer is an activation layer (ONNX's Conv -> Relu, batch norm folded)
            String next = bnName == null || bl != null ? null : absorbActivation(name, consumers, inputs, outputs, absorbed);
            if (next != null) {
                it.act = vertexActivation(next);
                return new Renamed(it, next).item;
            }
            return it;
        }
        BatchNormalization bl = layer(v, LayerKind.Fusion.BATCH_NORMALIZATION, BatchNormalization.class);
        if (bl != null) {
            if (!Backend.isFusable(bl.layerConf().getActivationFn())) return null;
            Item it = new Item(Kind.BN, name, in);
            it.bn = bl;
            it.act = bl.layerConf().getActivationSpec();
            return it;
        }
        SubsamplingLayer sl = layer(v, LayerKind.Fusion.POOLING, SubsamplingLayer.class);
        if (sl != null) {
            Item it = new Item(Kind.POOL, name, in);
            it.layer = sl;
            return it;
        }
        GlobalPoolingLayer gl = layer(v, LayerKind.Fusion.GLOBAL_POOLING, GlobalPoolingLayer.class);
        if (gl != null) {
            org.pydl4j.nn.conf.layers.PoolingType t = gl.layerConf().getPoolingType();
            if (t != org.pydl4j.nn.conf.layers.PoolingType.AVG && t != org.pydl4j.nn.conf.layers.PoolingType.MAX) return null;
            Item it = new Item(Kind.GLOBAL_POOL, name, in);
            it.layer = gl;
            return it;
        }
        ActivationLayer al = layer(v, LayerKind.Fusion.ACTIVATION, ActivationLayer.class);
        if (al != null) {
            if (!Backend.isFusable(al.layerConf().getActivation())) return null;
            if (al.layerConf().getActivation() == Activation.IDENTITY) return new Item(Kind.ALIAS, name, in);
            Item it = new Item(Kind.ACT, name, in);
            it.act = al.layerConf().getActivationSpec();
            return it;
        }
        if (fusion(v) == LayerKind.Fusion.IDENTITY) return new Item(Kind.ALIAS, name, in);
        return null;
    }

    /** The sole consumer of {@code name} when it is a fusable activation layer (then marked absorbed); else null. */
    private String absorbActivation(String name, Map<String, List<String>> consumers, Map<String, List<String>> inputs,
                                    List<String> outputs, Set<String> absorbed) {
        String next = soleConsumer(name, consumers, inputs, outputs);
        ActivationLayer al = next == null ? null : layer(vertices.get(next), LayerKind.Fusion.ACTIVATION, ActivationLayer.class);
        if (al == null || !Backend.isFusable(al.layerConf().getActivation())) return null;
        absorbed.add(next);
        return next;
    }

    private ActivationSpec vertexActivation(String activationLayerVertex) {
        return layer(vertices.get(activationLayerVertex), LayerKind.Fusion.ACTIVATION, ActivationLayer.class).layerConf().getActivationSpec();
    }

    /** A chain's item renamed to its last vertex (whose activation it produces). */
    private static final class Renamed {
        final Item item;

        Renamed(Item it, String last) {
            Item r = new Item(it.kind, last, it.inputs);
            r.conv = it.conv;
            r.bn = it.bn;
            r.act = it.act;
            item = r;
        }
    }

    private String elementWiseOp(String name) {
        org.pydl4j.nn.conf.graph.GraphVertex gv = conf.getVertices().get(name);
        if (!(gv instanceof org.pydl4j.nn.conf.graph.ElementWiseVertex)) return null;
        return String.valueOf(((org.pydl4j.nn.conf.graph.ElementWiseVertex) gv).getOp());
    }

    // ---------------------------------------------------------------- running

    /**
     * The network outputs (by vertex name) for inputs already prepared by the graph. Threads may call this at the
     * same time: segments use only immutable compiled values and leased programs; vertices run by themselves keep
     * state in their runtime layers, so they run one thread at a time (under the graph's vertex map).
     */
    Map<String, INDArray> run(INDArray[] in) {
        Map<String, INDArray> acts = new LinkedHashMap<>();
        Map<INDArray, Integer> holders = new IdentityHashMap<>();
        Set<INDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(Arrays.asList(in));
        List<String> netIn = conf.getNetworkInputs(), netOut = conf.getNetworkOutputs();
        for (int i = 0; i < in.length; i++) {
            acts.put(netIn.get(i), in[i]);
            holders.merge(in[i], 1, Integer::sum);
        }
        Map<String, Integer> remaining = new HashMap<>(readers);
        try {
            for (Step s : steps) {
                Map<String, INDArray> made;
                if (s.vertex != null) {
                    GraphVertex v = vertices.get(s.vertex);
                    List<String> srcNames = conf.getVertexInputs().get(s.vertex);
                    INDArray[] src = new INDArray[srcNames.size()];
                    for (int i = 0; i < src.length; i++) src[i] = acts.get(srcNames.get(i));
                    INDArray out;
                    synchronized (vertices) {
                        try {
                            out = v.doForward(src, false);
                        } finally {
                            v.clear();
                        }
                    }
                    made = Collections.singletonMap(s.vertex, out);
                } else {
                    made = runSegment(s, acts);
                }
                for (Map.Entry<String, INDArray> e : made.entrySet()) {
                    acts.put(e.getKey(), e.getValue());
                    holders.merge(e.getValue(), 1, Integer::sum);
                }
                for (String r : s.reads) {
                    if (remaining.merge(r, -1, Integer::sum) == 0 && !netOut.contains(r)) release(acts.remove(r), acts, holders, keep, netOut);
                }
            }
        } catch (RuntimeException e) {
            for (INDArray a : acts.values()) if (!keep.contains(a)) a.close();
            throw e;
        }
        Map<String, INDArray> result = new LinkedHashMap<>();
        for (String o : netOut) result.put(o, acts.get(o));
        return result;
    }

    private static void release(INDArray dead, Map<String, INDArray> acts, Map<INDArray, Integer> holders, Set<INDArray> keep, List<String> netOut) {
        if (dead == null || holders.merge(dead, -1, Integer::sum) > 0) return;
        holders.remove(dead);
        if (keep.contains(dead)) return;
        for (String o : netOut) if (acts.get(o) == dead) return;
        dead.close();
    }

    /**
     * Working memory a segment may use for its intermediate values before the batch is run in slices: system
     * property pydl4j.inference.sliceBytes, else 4x the segment's weights, within [32 MiB, 256 MiB]. Small slices
     * keep a layer's output in the last-level cache for the next layer (EfficientNet-Lite0, 13 MB of weights: slices
     * of ~4 images took about 10% less CPU time than slices of 32 and ran 2-3x faster on a loaded 2-core box); a
     * slice must still be big enough that reading the weights once per slice does not dominate (VGG-16, 58 MB of
     * weights: 1-image slices cost 6-8% more CPU time than 8-image ones, which run as fast as 16).
     */
    static long sliceBytes(long weightBytes) {
        String p = System.getProperty("pydl4j.inference.sliceBytes");
        try {
            return p == null ? Math.min(256L << 20, Math.max(32L << 20, 4 * weightBytes)) : Math.max(1, Long.parseLong(p.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pydl4j.inference.sliceBytes must be a number of bytes, got '" + p + "'");
        }
    }

    /**
     * What a segment compiles to for inputs of given shapes: the program spec, the item each node comes from, and
     * which activations the outputs are (global poolings are flattened to [N, C]; aliases are activations that are
     * the same array as an input or another output). An immutable value, made by {@link #compile}.
     */
    private record CompiledSegment(ProgramSpec spec, List<Item> itemOfNode, List<String> outputNames, Set<String> globalPools,
                                   Map<String, String> aliases) {
        CompiledSegment {
            itemOfNode = List.copyOf(itemOfNode);
            outputNames = List.copyOf(outputNames);
            globalPools = Set.copyOf(globalPools);
            aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
        }
    }

    /** The leased program of a segment for inputs of these shapes (compiled on a miss; see {@link ProgramCache}). */
    private ProgramCache.Lease program(Step s, Backend backend, INDArray[] inputs, DataType type) {
        List<Long> key = new ArrayList<>();
        for (INDArray a : inputs) for (long d : a.shape()) key.add(d);
        key.add((long) System.identityHashCode(backend));
        key.add((long) type.ordinal());
        return s.programs.lease(key, () -> backend.compile(compile(s, shapes(inputs), type).spec()));
    }

    private static List<long[]> shapes(INDArray[] arrays) {
        List<long[]> out = new ArrayList<>();
        for (INDArray a : arrays) out.add(a.shape());
        return out;
    }

    /** Runs a segment (in slices of the batch when it is large); returns the activations it leaves. */
    private Map<String, INDArray> runSegment(Step s, Map<String, INDArray> acts) {
        INDArray[] inputs = new INDArray[s.reads.size()];
        DataType type = null;
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = acts.get(s.reads.get(i));
            if (inputs[i].rank() != 4 || inputs[i].size(0) != inputs[0].size(0)) {
                List<String> readers = new ArrayList<>();
                for (Item it : s.items) if (it.inputs.contains(s.reads.get(i))) readers.add(it.conv != null ? it.conv.getName() : it.name);
                throw new IllegalArgumentException("vertex " + readers + " expects input [minibatch, channels, height, width] from '"
                        + s.reads.get(i) + "', got shape " + Arrays.toString(inputs[i].shape()));
            }
            type = inputs[i].dataType();
        }
        Backend backend = Nd4j.getBackend();
        CompiledSegment whole = compile(s, shapes(inputs), type);   // shapes of the whole batch
        ProgramSpec spec = whole.spec();
        long n = inputs[0].size(0);
        long perSlice = Math.max(1, Math.min(n, sliceBytes(spec.weightBytes()) / Math.max(1, spec.peakBytesPerImage())));
        long slices = (n + perSlice - 1) / perSlice;
        perSlice = (n + slices - 1) / slices;   // even slices
        int nodes = spec.nodes().size();
        INDArray[] weights = new INDArray[nodes], biases = new INDArray[nodes];
        List<String> names = whole.outputNames();
        INDArray[] outs = new INDArray[names.size()];
        try {
            for (int k = 0; k < nodes; k++) {
                Item it = whole.itemOfNode().get(k);
                if (it.kind == Kind.CONV) {
                    INDArray[] wb = it.bn == null ? it.conv.inferenceWeights(null)
                            : it.folded(it.conv.getParam("W").dataType(), () -> it.conv.inferenceWeights(it.bn), it.conv.getParam("W"), it.conv.paramTable().get("b"),
                                        it.bn.getParam("gamma"), it.bn.getParam("beta"), it.bn.getParam("mean"), it.bn.getParam("var"));
                    weights[k] = wb[0];
                    biases[k] = wb[1];
                } else if (it.kind == Kind.BN) {
                    DataType t = type;
                    INDArray[] sb = it.folded(t, () -> scaleShift(it.bn, t),
                            it.bn.getParam("gamma"), it.bn.getParam("beta"), it.bn.getParam("mean"), it.bn.getParam("var"));
                    weights[k] = sb[0];
                    biases[k] = sb[1];
                }
            }
            for (int i = 0; i < outs.length; i++) outs[i] = Nd4j.createUninitialized(type, spec.shape(spec.outputs().get(i)));
            if (slices == 1) {
                try (ProgramCache.Lease lease = program(s, backend, inputs, type)) {
                    lease.program().runInto(inputs, weights, biases, outs);
                }
            } else {
                for (long from = 0; from < n; from += perSlice) {
                    org.pydl4j.nd.INDArrayIndex range = org.pydl4j.nd.NDArrayIndex.interval(from, Math.min(n, from + perSlice));
                    INDArray[] in = new INDArray[inputs.length], out = new INDArray[outs.length];
                    try {
                        for (int i = 0; i < in.length; i++) in[i] = inputs[i].get(range);
                        for (int i = 0; i < out.length; i++) out[i] = outs[i].get(range);
                        try (ProgramCache.Lease lease = program(s, backend, in, type)) {
                            lease.program().runInto(in, weights, biases, out);
                        }
                    } finally {
                        for (INDArray a : in) if (a != null) a.close();
                        for (INDArray a : out) if (a != null) a.close();
                    }
                }
            }
        } catch (RuntimeException e) {
            for (INDArray o : outs) if (o != null) o.close();
            throw e;
        }
        Map<String, INDArray> made = new LinkedHashMap<>();
        for (int i = 0; i < outs.length; i++) {
            INDArray o = outs[i];
            if (whole.globalPools().contains(names.get(i))) {   // [N, C, 1, 1] -> [N, C], as GlobalPoolingLayer
                INDArray flat = o.reshape(o.size(0), o.size(1));
                o.close();
                o = flat;
            }
            made.put(names.get(i), o);
        }
        for (Map.Entry<String, String> a : whole.aliases().entrySet()) {
            made.put(a.getKey(), made.containsKey(a.getValue()) ? made.get(a.getValue()) : acts.get(a.getValue()));
        }
        return made;
    }

    /** Compiles a segment for inputs of these shapes: a pure function of the plan, the layers and the shapes. */
    private CompiledSegment compile(Step s, List<long[]> inputShapes, DataType type) {
        ProgramSpec spec = new ProgramSpec(type, inputShapes);
        int numInputs = inputShapes.size();
        Map<String, Integer> value = new HashMap<>();
        for (int i = 0; i < numInputs; i++) value.put(s.reads.get(i), i);
        List<Item> nodeItems = new ArrayList<>();
        Map<Integer, String> outputOf = new HashMap<>();
        List<String> outputNames = new ArrayList<>();
        Set<String> globalPools = new HashSet<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (Item it : s.items) {
            int x = value.get(it.inputs.get(0));
            long[] xs = spec.shape(x);
            int v;
            try {
                switch (it.kind) {
                    case CONV: {
                        long nIn = it.conv.layerConf().getNIn();
                        if (xs[1] != nIn) {
                            throw new VertexShapeException("layer '" + it.conv.getName() + "' (" + it.conv.layerConf().getClass().getSimpleName()
                                    + "): nIn=" + nIn + " channels but input has shape " + Arrays.toString(xs) + " (" + xs[1] + " channels)");
                        }
                        ConvParams p = it.conv.layerConf().convParams(xs[2], xs[3]);
                        long[] w = it.conv.getParam("W").shape();
                        boolean bias = it.bn != null || it.conv.layerConf().hasBias();
                        v = spec.conv(x, w, bias, p, it.act);
                        nodeItems.add(it);
                        break;
                    }
                    case BN: {
                        long c = xs[1];
                        if (it.bn.getParam("gamma").length() != c) {
                            throw new VertexShapeException("layer '" + it.name + "' (BatchNormalization): nIn=" + it.bn.getParam("gamma").length()
                                    + " but input has shape " + Arrays.toString(xs));
                        }
                        v = spec.conv(x, new long[]{c, 1, 1, 1}, true, new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, (int) c), it.act);
                        nodeItems.add(it);
                        break;
                    }
                    case POOL: {
                        org.pydl4j.nn.conf.layers.SubsamplingLayer lc = ((SubsamplingLayer) it.layer).layerConf();
                        ConvParams p = lc.convParams(xs[2], xs[3]);
                        PoolingType t = lc.getPoolingType() == org.pydl4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX ? PoolingType.MAX : PoolingType.AVG;
                        v = spec.pool(x, t, p);
                        nodeItems.add(it);
                        break;
                    }
                    case GLOBAL_POOL: {
                        PoolingType t = ((GlobalPoolingLayer) it.layer).layerConf().getPoolingType().toBackend();
                        v = spec.pool(x, t, ConvParams.of((int) xs[2], (int) xs[3], 1, 1, 0, 0));
                        nodeItems.add(it);
                        globalPools.add(it.name);
                        break;
                    }
                    case ADD:
                        v = spec.add(x, value.get(it.inputs.get(1)));
                        nodeItems.add(it);
                        break;
                    case ACT:
                        v = spec.activation(x, it.act);
                        nodeItems.add(it);
                        break;
                    case ALIAS:
                        value.put(it.name, x);
                        if (s.produces.contains(it.name)) {
                            if (x < numInputs) {
                                aliases.put(it.name, s.reads.get(x));        // the same array as an external input
                            } else if (outputOf.containsKey(x)) {
                                aliases.put(it.name, outputOf.get(x));       // the same array as another output
                            } else {
                                spec.output(x);
                                outputNames.add(it.name);
                                outputOf.put(x, it.name);
                            }
                        }
                        continue;
                    default:
                        throw new IllegalStateException("unknown item " + it.kind);
                }
            } catch (VertexShapeException e) {
                throw e;   // names the vertex already
            } catch (IllegalArgumentException e) {
                String who = it.conv != null ? it.conv.getName() : it.name;
                throw new VertexShapeException("vertex '" + who + "': " + e.getMessage(), e);
            }
            value.put(it.name, v);
            if (s.produces.contains(it.name)) {
                spec.output(v);
                outputNames.add(it.name);
                outputOf.put(v, it.name);
            }
        }
        return new CompiledSegment(spec, nodeItems, outputNames, globalPools, aliases);
    }

    /** An input that does not fit a vertex of a segment; the message names the vertex. */
    static final class VertexShapeException extends IllegalArgumentException {
        VertexShapeException(String message) { super(message); }

        VertexShapeException(String message, Throwable cause) { super(message, cause); }
    }

    /** Batch norm as a per-channel affine map: weights [C,1,1,1] = gamma / sqrt(var + eps), bias = beta - mean * scale. */
    private static INDArray[] scaleShift(BatchNormalization bn, DataType type) {
        INDArray gamma = bn.getParam("gamma"), beta = bn.getParam("beta"), mean = bn.getParam("mean"), var = bn.getParam("var");
        int c = (int) gamma.length();
        double eps = bn.layerConf().getEps();
        INDArray w = Nd4j.createUninitialized(type, c, 1, 1, 1), b = Nd4j.createUninitialized(type, c);
        for (int i = 0; i < c; i++) {
            double s = gamma.getDoubleLinear(i) / Math.sqrt(var.getDoubleLinear(i) + eps);
            w.putLinear(i, s);
            b.putLinear(i, beta.getDoubleLinear(i) - mean.getDoubleLinear(i) * s);
        }
        return new INDArray[]{w, b};
    }

    /** Frees the compiled programs (those in use when their run ends). */
    void close() {
        for (Step st : steps) st.programs.close();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("InferenceFusion[");
        for (Step s : steps) {
            if (s.vertex != null) sb.append(' ').append(s.vertex);
            else {
                Set<String> names = new LinkedHashSet<>();
                for (Item it : s.items) names.add(it.kind + ":" + it.name);
                sb.append(" {").append(String.join(" ", names)).append('}');
            }
        }
        return sb.append(" ]").toString();
    }
}
