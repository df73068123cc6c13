package org.pydl4j.util;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.serde.CrcCheckedInputStream;
import org.pydl4j.util.serde.FiniteParams;

/** A damaged model zip (a flipped bit: bad CRC-32) or a model with a non-finite parameter is refused at load. */
public class ModelIntegrityTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Offset of the data of STORED entry {@code name} in the zip file (from its local header). */
    private static int dataOffset(byte[] zip, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 30 + n.length < zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                int nameLen = (zip[i + 26] & 0xff) | (zip[i + 27] & 0xff) << 8;
                int extraLen = (zip[i + 28] & 0xff) | (zip[i + 29] & 0xff) << 8;
                if (nameLen == n.length && new String(zip, i + 30, nameLen, StandardCharsets.UTF_8).equals(name)) {
                    return i + 30 + nameLen + extraLen;
                }
            }
        }
        throw new AssertionError("no local header for " + name);
    }

    @Test
    public void flippedBitInCoefficientsIsACrcError() throws IOException {
        File file = tmp.newFile("m.zip");
        ModelSerializer.writeModel(ModelSerializerTest.smallCnn(1), file, false);
        ModelSerializer.restoreComputationGraph(file, false);                  // intact: loads
        byte[] bytes = Files.readAllBytes(file.toPath());
        int at = dataOffset(bytes, ModelSerializer.COEFFICIENTS_BIN) + 200;   // inside the parameter values
        bytes[at] ^= 0x10;
        Files.write(file.toPath(), bytes);
        IOException e = assertThrows(IOException.class, () -> ModelSerializer.restoreComputationGraph(file, false));
        CrcCheckedInputStream.CrcMismatchException crc = e instanceof CrcCheckedInputStream.CrcMismatchException
                ? (CrcCheckedInputStream.CrcMismatchException) e : (CrcCheckedInputStream.CrcMismatchException) e.getCause();
        assertTrue(crc.getMessage(), crc.getMessage().contains("m.zip:coefficients.bin: CRC-32 mismatch"));
        assertTrue(crc.entry().endsWith("m.zip:coefficients.bin"));
    }

    @Test
    public void nonFiniteParameterIsRefusedNamingIt() throws IOException {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            ComputationGraph g = ModelSerializerTest.smallCnn(2);
            INDArray w = g.paramTable().get("dense_W");
            w.putScalar(3, bad);
            File file = tmp.newFile("nan" + bad + ".zip");
            ModelSerializer.writeModel(g, file, false);
            FiniteParams.NonFiniteParameterException e = assertThrows(FiniteParams.NonFiniteParameterException.class,
                    () -> ModelSerializer.restoreComputationGraph(file, false));
            assertEquals("dense_W", e.parameter());
            assertTrue(e.getMessage(), e.getMessage().contains("parameter dense_W holds " + bad + " (element 3)"));
        }
    }
}
