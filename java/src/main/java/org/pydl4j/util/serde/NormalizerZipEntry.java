package org.pydl4j.util.serde;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.pydl4j.nd.dataset.preprocessor.Normalizer;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerSerializer;

/**
 * The normalizer stored beside a model in its zip ({@code normalizer.bin}, DL4J's entry name), for
 * {@code ModelSerializer.addNormalizerToModel} / {@code restoreNormalizerFromFile}. Adding rewrites the zip
 * atomically with every other entry copied unchanged (a previous normalizer is replaced).
 */
public final class NormalizerZipEntry {
    private NormalizerZipEntry() {}

    public static final String NORMALIZER_BIN = "normalizer.bin";

    public static void add(File model, Normalizer<?> normalizer) throws IOException {
        if (normalizer == null) throw new IllegalArgumentException("addNormalizerToModel: normalizer is null");
        try (ZipFile zip = ModelZips.open(model)) {
            AtomicFiles.write(model.toPath(), out -> {
                ZipOutputStream z = new ZipOutputStream(out);
                for (ZipEntry e : Collections.list(zip.entries())) {
                    if (e.getName().equals(NORMALIZER_BIN)) continue;
                    ZipEntry copy = new ZipEntry(e.getName());
                    if (e.getMethod() == ZipEntry.STORED) {
                        copy.setMethod(ZipEntry.STORED);
                        copy.setSize(e.getSize());
                        copy.setCompressedSize(e.getSize());
                        copy.setCrc(e.getCrc());
                    }
                    z.putNextEntry(copy);
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(z);
                    }
                    z.closeEntry();
                }
                z.putNextEntry(new ZipEntry(NORMALIZER_BIN));
                NormalizerSerializer.getDefault().write(normalizer, z);
                z.closeEntry();
                z.finish();
                z.flush();
            });
        }
    }

    /** The model's normalizer, or null when the zip has none (as DL4J). */
    public static <T extends Normalizer<?>> T restore(File model) throws IOException {
        try (ZipFile zip = ModelZips.open(model)) {
            ZipEntry e = zip.getEntry(NORMALIZER_BIN);
            if (e == null) return null;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
                return NormalizerSerializer.getDefault().restore(in, model + ":" + NORMALIZER_BIN);
            }
        }
    }
}
