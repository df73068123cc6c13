package org.pydl4j.spark.data;

import java.io.DataInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetSerialForm;

/**
 * DataSets saved with {@code DataSet.save} under a folder (local, HDFS, S3: any Hadoop URI), read on the executors,
 * as dl4j-spark's {@code fit(String path)}. Each file is read with the bounded reader: no array may declare more
 * elements than the file has bytes.
 */
public final class DataSetFiles {
    private DataSetFiles() {}

    /** One DataSet per file under {@code path}. */
    public static JavaRDD<DataSet> load(JavaSparkContext sc, String path) {
        return sc.binaryFiles(path).map(entry -> read(entry._1(), entry._2()));
    }

    private static DataSet read(String name, PortableDataStream stream) throws java.io.IOException {
        byte[] bytes;
        try (DataInputStream in = stream.open()) {
            bytes = in.readAllBytes();
        }
        return DataSetSerialForm.read(bytes, name);
    }
}
