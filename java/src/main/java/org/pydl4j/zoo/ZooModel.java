package org.pydl4j.zoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.SafeTensors;
import org.pydl4j.util.torch.TorchStateDict;

/**
 * A model of the zoo, as DL4J's ZooModel: {@link #init()} builds it with random weights, {@link #initPretrained}
 * with published ones. Weights are resolved the same way for every model: a source already in the cache wins
 * (converted files included), else the first downloadable source is fetched and verified.
 */
public abstract class ZooModel {
    private PretrainedCache cache;

    /** The model's table. */
    public abstract ModelSpec spec();

    /** The configuration for this instance's settings (classes, input shape, seed, updater). */
    public abstract ComputationGraphConfiguration conf();

    /** Uses another cache directory than $PYDL4J_HOME/models (tests, shared installs). */
    public ZooModel cache(PretrainedCache cache) {
        this.cache = cache;
        return this;
    }

    private PretrainedCache cache() { return cache != null ? cache : PretrainedCache.defaultCache(); }

    /** A new network with randomly initialized weights. */
    public ComputationGraph init() {
        ComputationGraph g = new ComputationGraph(conf());
        g.init();
        return g;
    }

    public ComputationGraph initPretrained() throws IOException { return initPretrained(PretrainedType.IMAGENET); }

    public ComputationGraph initPretrained(PretrainedType type) throws IOException {
        List<WeightSource> sources = spec().weights(type);
        if (sources.isEmpty()) {
            throw new UnsupportedOperationException(spec().name + " has no pretrained " + type + " weights; it has "
                    + spec().allWeights().keySet());
        }
        PretrainedCache c = cache();
        for (WeightSource src : sources) {
            if (src.member == null && Files.isRegularFile(c.pathOf(src)) && readableHere(src)) return load(src, c.resolve(src, spec().importHint));
        }
        for (WeightSource src : sources) {
            if (src.url != null && readableHere(src)) {
                return load(src, src.member != null ? c.resolveMember(src, spec().importHint) : c.resolve(src, spec().importHint));
            }
        }
        throw new PretrainedUnavailableException("no pretrained " + type + " weights for " + spec().name + " in "
                + c.directory() + ". " + spec().importHint, null);
    }

    public boolean pretrainedAvailable(PretrainedType type) { return !spec().weights(type).isEmpty(); }

    /** The canonical download address, or null (DL4J's ZooModel.pretrainedUrl). */
    public String pretrainedUrl(PretrainedType type) {
        return spec().weights(type).stream().filter(s -> s.url != null).map(s -> s.url).findFirst().orElse(null);
    }

    /** The Adler-32 checksum DL4J publishes for the canonical file, or 0 (DL4J's ZooModel.pretrainedChecksum). */
    public long pretrainedChecksum(PretrainedType type) {
        return spec().weights(type).stream()
                .filter(s -> s.checksum != null && s.checksum.algorithm == Checksum.Algorithm.ADLER32)
                .map(s -> Long.parseLong(s.checksum.expected)).findFirst().orElse(0L);
    }

    /** Formats the JVM reads itself; Keras .h5 files are converted by the Python importer first. */
    private static boolean readableHere(WeightSource src) {
        return src.format == WeightSource.Format.DL4J_ZIP || src.format == WeightSource.Format.SAFETENSORS
                || src.format == WeightSource.Format.PYTORCH;
    }

    /**
     * A PyTorch state dict renamed to this model's parameter names ({@code <vertex>_<param>}); models with PyTorch
     * weight sources override it.
     */
    protected Map<String, INDArray> fromTorch(Map<String, INDArray> stateDict, String source) {
        throw new UnsupportedOperationException(spec().name + " has no PyTorch weight mapping");
    }

    private ComputationGraph load(WeightSource src, Path file) throws IOException {
        if (src.format == WeightSource.Format.DL4J_ZIP) return ModelSerializer.restoreComputationGraph(file.toFile());
        ComputationGraph g = init();
        Map<String, INDArray> params = src.format == WeightSource.Format.PYTORCH
                ? fromTorch(TorchStateDict.read(file), file.toString()) : SafeTensors.read(file);
        ParamTables.apply(g, params, file.toString());
        return g;
    }
}
