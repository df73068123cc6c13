package org.pydl4j.spark.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.transferlearning.TransferLearningHelper;
import org.pydl4j.spark.util.ExecutorBackend;
import scala.Tuple2;

/**
 * One partition of images (path, label) on an executor: each file read once (size checked first), hashed (SHA-1 of
 * its bytes, the local cache's key), decoded by the local job's decoder ({@link DecoderProcess}) and run through the
 * frozen part in minibatches. Emits one {@link FeatureStore} row per image: the vector, or the reason it could not
 * be decoded (a bad image is reported, as locally, never fatal).
 */
final class FeaturizeTask implements FlatMapFunction<Iterator<Tuple2<String, String>>, Row> {
    private static final long serialVersionUID = 1L;

    /** Larger files are reported as bad images, not read. */
    static final long MAX_IMAGE_BYTES = 256L << 20;

    private final Broadcast<byte[]> graph;
    private final String graphDigest;
    private final String[] frozenOutputAt;
    private final DecoderSpec decoder;
    private final int batchSize;
    private final String backend;

    FeaturizeTask(Broadcast<byte[]> graph, String graphDigest, String[] frozenOutputAt, DecoderSpec decoder, int batchSize,
                  String backend) {
        this.graph = graph;
        this.graphDigest = graphDigest;
        this.frozenOutputAt = frozenOutputAt.clone();
        this.decoder = decoder;
        this.batchSize = batchSize;
        this.backend = backend;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<String, String>> images) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!images.hasNext()) return rows.iterator();
        ExecutorBackend.ensure(backend);
        TransferLearningHelper helper = FrozenPartCache.get(graph, graphDigest, frozenOutputAt);
        Configuration hadoop = new Configuration();
        List<Tuple2<String, String>> pending = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        float[] batch = new float[batchSize * decoder.imageFloats()];
        DecoderProcess process = DecoderPool.take(decoder);
        boolean healthy = false;
        try {
            while (images.hasNext()) {
                Tuple2<String, String> image = images.next();
                String path = image._1(), label = image._2();
                byte[] bytes;
                try {
                    bytes = read(path, hadoop);
                } catch (IOException e) {
                    rows.add(FeatureStore.bad(label, null, path, "cannot read the file: " + e.getMessage()));
                    continue;
                }
                String hash = sha1(bytes);
                DecoderProcess.Decoded decoded = process.decode(bytes, path);
                if (decoded.error() != null) {
                    rows.add(FeatureStore.bad(label, hash, path, decoded.error()));
                    continue;
                }
                System.arraycopy(decoded.pixels(), 0, batch, pending.size() * decoder.imageFloats(), decoder.imageFloats());
                pending.add(image);
                hashes.add(hash);
                if (pending.size() == batchSize) flush(helper, batch, pending, hashes, rows);
            }
            if (!pending.isEmpty()) flush(helper, batch, pending, hashes, rows);
            healthy = true;
        } finally {
            if (healthy) DecoderPool.giveBack(decoder, process);
            else process.close();
        }
        return rows.iterator();
    }

    private void flush(TransferLearningHelper helper, float[] batch, List<Tuple2<String, String>> pending,
                       List<String> hashes, List<Row> rows) {
        int n = pending.size(), s = decoder.imageSize();
        float[] data = n == batchSize ? batch : java.util.Arrays.copyOf(batch, n * decoder.imageFloats());
        INDArray x = Nd4j.create(data, n, 3, s, s);
        INDArray[] out = helper.featurize(x);
        if (out.length != 1) {
            throw new IllegalStateException("the frozen part meets the classifier at " + out.length + " vertices " + helper.getBoundary()
                    + "; featurizing needs a single feature vertex");
        }
        float[] all = out[0].toFloatVector();
        int dim = all.length / n;
        for (int i = 0; i < n; i++) {
            rows.add(FeatureStore.good(pending.get(i)._2(), hashes.get(i), pending.get(i)._1(),
                    java.util.Arrays.copyOfRange(all, i * dim, (i + 1) * dim)));
        }
        pending.clear();
        hashes.clear();
    }

    private static byte[] read(String name, Configuration hadoop) throws IOException {
        if (!name.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
            // a plain local path: read as named (Hadoop's local file system would parse ':' and '#' in file names)
            java.nio.file.Path file = java.nio.file.Path.of(name);
            checkSize(java.nio.file.Files.size(file));
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                return readBounded(in);
            }
        }
        Path path = new Path(name);   // hdfs://, s3a://, file:/...
        FileSystem fs = path.getFileSystem(hadoop);
        checkSize(fs.getFileStatus(path).getLen());
        try (InputStream in = fs.open(path)) {
            return readBounded(in);
        }
    }

    private static void checkSize(long length) throws IOException {
        if (length > MAX_IMAGE_BYTES) throw new IOException(length + " bytes, more than the " + MAX_IMAGE_BYTES + " an image may have");
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_IMAGE_BYTES + 1);
        if (bytes.length > MAX_IMAGE_BYTES) throw new IOException("grew past " + MAX_IMAGE_BYTES + " bytes while read");
        return bytes;
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }
}
