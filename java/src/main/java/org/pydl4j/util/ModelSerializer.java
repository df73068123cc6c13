package org.pydl4j.util;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.json.Json;
import org.pydl4j.util.serde.AtomicFiles;
import org.pydl4j.util.serde.Dl4jMultiLayerFormat;
import org.pydl4j.util.serde.Dl4jZipImporter;
import org.pydl4j.util.serde.FiniteParams;
import org.pydl4j.util.serde.InvalidConfigurationException;
import org.pydl4j.util.serde.ModelZips;
import org.pydl4j.util.serde.Nd4jBinary;

/**
 * Saves and restores ComputationGraphs as model zips, named as DL4J's {@code ModelSerializer}.
 *
 * <p>The zip follows DL4J's layout: {@code configuration.json} (this project's
 * {@link ComputationGraphConfiguration#toJson()}), {@code coefficients.bin} (the flat parameters,
 * {@link ComputationGraph#params()}, in ND4J's binary array format, see {@link Nd4jBinary}),
 * {@code updaterState.bin} (the updater state, when saved and non-empty), plus {@code pydl4j.json} with the format
 * version, iteration and epoch counts, data type and lengths. Parameters and updater state are stored exactly, so a
 * restored graph gives bit-identical outputs and resumes training exactly.
 *
 * <p>{@link #restoreComputationGraph} also reads zips written by DL4J itself (no {@code pydl4j.json}): see
 * {@link Dl4jZipImporter}. Writing to a file is atomic (temporary file, fsync, rename). Lengths in a file are checked
 * against its configuration before anything is allocated; problems are IOException / IllegalArgumentException
 * naming the file and what is wrong.
 */
public final class ModelSerializer {
    private ModelSerializer() {}

    public static final String CONFIGURATION_JSON = "configuration.json";
    public static final String COEFFICIENTS_BIN = "coefficients.bin";
    public static final String UPDATER_BIN = "updaterState.bin";
    public static final String PYDL4J_JSON = "pydl4j.json";
    /**
     * 3: every type declares its fields (util.json.JsonType; a file must have them all); 2: configurations name their
     * types with stable names ({@code "@type"}, see util.json.TypeNames); 1: Java class names ({@code "@class"}). All
     * are read (see ConfigTypes.FORMAT_VERSION).
     */
    public static final int FORMAT_VERSION = org.pydl4j.nn.conf.ConfigTypes.FORMAT_VERSION;
    private static final String CG_TYPE = "ComputationGraph", MLN_TYPE = "MultiLayerNetwork";

    // ---------------------------------------------------------------- writing

    /** Writes a ComputationGraph or MultiLayerNetwork (atomically). */
    public static void writeModel(Model model, File file, boolean saveUpdater) throws IOException {
        writeModel(model, file.toPath(), saveUpdater);
    }

    public static void writeModel(Model model, String path, boolean saveUpdater) throws IOException {
        writeModel(model, new File(path), saveUpdater);
    }

    /** Writes atomically: the target is replaced only once the complete zip is on disk. */
    public static void writeModel(Model model, Path file, boolean saveUpdater) throws IOException {
        network(model);
        AtomicFiles.write(file, out -> writeModel(model, out, saveUpdater));
    }

    private static NeuralNetwork network(Model model) {
        if (model == null) throw new IllegalArgumentException("writeModel: model is null");
        if (!(model instanceof ComputationGraph) && !(model instanceof MultiLayerNetwork)) {
            throw new IllegalArgumentException("writeModel: a " + model.getClass().getSimpleName() + " is not a ComputationGraph or MultiLayerNetwork");
        }
        return (NeuralNetwork) model;
    }

    /** Writes the zip to a stream (not closed). */
    public static void writeModel(Model model, OutputStream stream, boolean saveUpdater) throws IOException {
        NeuralNetwork graph = network(model);
        INDArray params = graph.params();
        INDArray state = saveUpdater ? graph.getUpdater().getStateViewArray() : null;
        boolean withState = state != null && state.length() > 0;
        boolean stack = graph instanceof MultiLayerNetwork;
        String confJson = stack ? ((MultiLayerNetwork) graph).getLayerWiseConfigurations().toJson() : ((ComputationGraph) graph).getConfiguration().toJson();

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "pydl4j-model");
        meta.put("formatVersion", FORMAT_VERSION);
        meta.put("modelType", stack ? MLN_TYPE : CG_TYPE);
        meta.put("iterationCount", graph.getIterationCount());
        meta.put("epochCount", graph.getEpochCount());
        meta.put("dataType", params.dataType().name());
        meta.put("numParams", params.length());
        meta.put("updaterState", withState);
        meta.put("updaterStateLength", withState ? state.length() : 0);

        ZipOutputStream zip = new ZipOutputStream(stream);
        zip.putNextEntry(new ZipEntry(CONFIGURATION_JSON));
        zip.write(confJson.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        ModelZips.putStored(zip, COEFFICIENTS_BIN, out -> Nd4jBinary.write(params, out));
        if (withState) ModelZips.putStored(zip, UPDATER_BIN, out -> Nd4jBinary.write(state, out));
        zip.putNextEntry(new ZipEntry(PYDL4J_JSON));
        zip.write(Json.write(meta).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.finish();
        zip.flush();
    }

    /** Writes the model, then adds the normalizer as {@code normalizer.bin} (as DL4J's overload). */
    public static void writeModel(Model model, File file, boolean saveUpdater,
                                  org.pydl4j.nd.dataset.preprocessor.DataNormalization normalizer) throws IOException {
        writeModel(model, file, saveUpdater);
        if (normalizer != null) addNormalizerToModel(file, normalizer);
    }

    /**
     * Stores the normalizer in the model zip ({@code normalizer.bin}), replacing one stored before; atomic. As DL4J's,
     * declares no checked exception: an I/O failure is an {@link java.io.UncheckedIOException} naming the file.
     */
    public static void addNormalizerToModel(File f, org.pydl4j.nd.dataset.preprocessor.Normalizer<?> normalizer) {
        try {
            org.pydl4j.util.serde.NormalizerZipEntry.add(f, normalizer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(f + ": cannot add the normalizer: " + e.getMessage(), e);
        }
    }

    /** The normalizer stored in the model zip, or null when it has none. */
    public static <T extends org.pydl4j.nd.dataset.preprocessor.Normalizer<?>> T restoreNormalizerFromFile(File file) throws IOException {
        return org.pydl4j.util.serde.NormalizerZipEntry.restore(file);
    }

    // ---------------------------------------------------------------- reading

    /** The network and the normalizer stored with it (null when none), as DL4J's restoreMultiLayerNetworkAndNormalizer. */
    public static org.pydl4j.common.primitives.Pair<MultiLayerNetwork, org.pydl4j.nd.dataset.preprocessor.Normalizer<?>> restoreMultiLayerNetworkAndNormalizer(
            File file, boolean loadUpdater) throws IOException {
        return new org.pydl4j.common.primitives.Pair<>(restoreMultiLayerNetwork(file, loadUpdater), restoreNormalizerFromFile(file));
    }

    /** The graph and the normalizer stored with it (null when none), as DL4J's restoreComputationGraphAndNormalizer. */
    public static org.pydl4j.common.primitives.Pair<ComputationGraph, org.pydl4j.nd.dataset.preprocessor.Normalizer<?>> restoreComputationGraphAndNormalizer(
            File file, boolean loadUpdater) throws IOException {
        return new org.pydl4j.common.primitives.Pair<>(restoreComputationGraph(file, loadUpdater), restoreNormalizerFromFile(file));
    }

    public static ComputationGraph restoreComputationGraph(File file) throws IOException { return restoreComputationGraph(file, true); }

    public static ComputationGraph restoreComputationGraph(String path) throws IOException { return restoreComputationGraph(new File(path), true); }

    public static ComputationGraph restoreComputationGraph(String path, boolean loadUpdater) throws IOException {
        return restoreComputationGraph(new File(path), loadUpdater);
    }

    /** Restores a graph from this project's zip or from a zip written by DL4J. */
    public static ComputationGraph restoreComputationGraph(File file, boolean loadUpdater) throws IOException {
        return restore(file, loadUpdater, ComputationGraph.class);
    }

    public static ComputationGraph restoreComputationGraph(InputStream in) throws IOException { return restoreComputationGraph(in, true); }

    /** Restores from a stream (copied to a temporary file first, so that the zip's directory can be checked). */
    public static ComputationGraph restoreComputationGraph(InputStream in, boolean loadUpdater) throws IOException {
        return restore(in, loadUpdater, ComputationGraph.class);
    }

    public static MultiLayerNetwork restoreMultiLayerNetwork(File file) throws IOException { return restoreMultiLayerNetwork(file, true); }

    public static MultiLayerNetwork restoreMultiLayerNetwork(String path) throws IOException { return restoreMultiLayerNetwork(new File(path), true); }

    public static MultiLayerNetwork restoreMultiLayerNetwork(String path, boolean loadUpdater) throws IOException {
        return restoreMultiLayerNetwork(new File(path), loadUpdater);
    }

    /** Restores a layer stack from this project's zip or from a MultiLayerNetwork zip written by DL4J. */
    public static MultiLayerNetwork restoreMultiLayerNetwork(File file, boolean loadUpdater) throws IOException {
        return restore(file, loadUpdater, MultiLayerNetwork.class);
    }

    public static MultiLayerNetwork restoreMultiLayerNetwork(InputStream in) throws IOException { return restoreMultiLayerNetwork(in, true); }

    public static MultiLayerNetwork restoreMultiLayerNetwork(InputStream in, boolean loadUpdater) throws IOException {
        return restore(in, loadUpdater, MultiLayerNetwork.class);
    }

    private static <T extends NeuralNetwork> T restore(File file, boolean loadUpdater, Class<T> kind) throws IOException {
        try (ZipFile zip = ModelZips.open(file)) {
            return restore(zip, file.toString(), loadUpdater, kind);
        }
    }

    private static <T extends NeuralNetwork> T restore(InputStream in, boolean loadUpdater, Class<T> kind) throws IOException {
        Path tmp = Files.createTempFile("pydl4j-model-", ".zip");
        try {
            Files.copy(in instanceof BufferedInputStream ? in : new BufferedInputStream(in), tmp, StandardCopyOption.REPLACE_EXISTING);
            try (ZipFile zip = ModelZips.open(tmp.toFile())) {
                return restore(zip, "<model stream>", loadUpdater, kind);
            } catch (IOException e) {
                throw new IOException(e.getMessage().replace(tmp.toString(), "<model stream>"), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static <T extends NeuralNetwork> T restore(ZipFile zip, String source, boolean loadUpdater, Class<T> kind) throws IOException {
        boolean stack = kind == MultiLayerNetwork.class;
        if (zip.getEntry(PYDL4J_JSON) == null) {
            if (zip.getEntry(CONFIGURATION_JSON) == null) {
                throw new IOException(source + ": not a model zip: no " + CONFIGURATION_JSON + " (entries: " + ModelZips.entryNames(zip) + ")");
            }
            return kind.cast(stack ? Dl4jMultiLayerFormat.restore(zip, source) : Dl4jZipImporter.restore(zip, source));
        }
        Map<String, Object> meta = readMeta(zip, source);
        String type = String.valueOf(meta.getOrDefault("modelType", CG_TYPE));
        if (!type.equals(stack ? MLN_TYPE : CG_TYPE)) {
            throw new IllegalArgumentException(source + ": holds a " + type + "; restore it with ModelSerializer.restore" + type);
        }
        NeuralNetwork net;
        ComputationGraphConfiguration conf;
        try {
            String json = ModelZips.readText(zip, CONFIGURATION_JSON, source);
            int version = ((Number) meta.get("formatVersion")).intValue();
            if (stack) {
                MultiLayerConfiguration mlc = MultiLayerConfiguration.fromJson(json, version);
                conf = mlc.getGraphConfiguration();
                net = new MultiLayerNetwork(mlc);
            } else {
                conf = ComputationGraphConfiguration.fromJson(json, version);
                conf.validate();
                net = new ComputationGraph(conf);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidConfigurationException(source + ":" + CONFIGURATION_JSON, source + ":" + CONFIGURATION_JSON + ": invalid configuration: " + e.getMessage(), e);
        }
        long expected = 0;
        for (GraphVertex v : conf.getVertices().values()) expected += v.numParams();
        INDArray params = readArray(zip, COEFFICIENTS_BIN, source, expected);
        String declared = String.valueOf(meta.getOrDefault("dataType", params.dataType().name()));
        if (!declared.equals(params.dataType().name())) {
            throw new IOException(source + ":" + COEFFICIENTS_BIN + " holds " + params.dataType() + " values, " + PYDL4J_JSON + " says " + declared);
        }
        net.init(params.reshape(params.length()), false);
        FiniteParams.check(net.paramTable(), source);
        Object it = meta.get("iterationCount"), ep = meta.get("epochCount");
        if (it instanceof Number) net.setIterationCount(((Number) it).intValue());
        if (ep instanceof Number) net.setEpochCount(((Number) ep).intValue());
        if (loadUpdater && zip.getEntry(UPDATER_BIN) != null) {
            long stateLen = net.getUpdater().getStateViewArray().length();
            INDArray state = readArray(zip, UPDATER_BIN, source, stateLen);
            if (state.dataType() != net.getDataType()) state = state.castTo(net.getDataType());
            net.getUpdater().setStateViewArray(state);
        }
        return kind.cast(net);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readMeta(ZipFile zip, String source) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(ModelZips.readText(zip, PYDL4J_JSON, source));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ":" + PYDL4J_JSON + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) throw new IOException(source + ":" + PYDL4J_JSON + " is not a JSON object");
        Map<String, Object> meta = (Map<String, Object>) parsed;
        Object v = meta.get("formatVersion");
        if (!(v instanceof Number)) throw new IOException(source + ":" + PYDL4J_JSON + " has no formatVersion");
        if (((Number) v).intValue() > FORMAT_VERSION) {
            throw new IOException(source + ": model format version " + v + " is newer than this library reads (" + FORMAT_VERSION + ")");
        }
        return meta;
    }

    /** A required array entry of exactly the expected length (checked before allocating). */
    private static INDArray readArray(ZipFile zip, String entry, String source, long expected) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) throw new IOException(source + ": no " + entry + " in the model zip (entries: " + ModelZips.entryNames(zip) + ")");
        try (InputStream in = new BufferedInputStream(ModelZips.entryStream(zip, e, source), 1 << 16)) {
            return Nd4jBinary.read(in, source + ":" + entry, expected, expected);
        } catch (org.pydl4j.util.serde.ModelFileException ex) {
            throw ex;   // already names the file
        } catch (IOException ex) {   // ZipException, or an EOFException without message from a damaged entry
            throw new org.pydl4j.util.serde.ModelFileException(source + ":" + entry, source + ":" + entry + " cannot be read (corrupt zip): " + ex, ex);
        }
    }
}
