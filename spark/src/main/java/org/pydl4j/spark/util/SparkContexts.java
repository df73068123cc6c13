package org.pydl4j.spark.util;

import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.pydl4j.nd.Nd4j;

/**
 * A Spark context whose executors load the engine from the jars this driver runs (the engine jar and this module's
 * jar are added to {@code spark.jars}), as spark-submit's {@code --jars} would; used when the engine's own JVM (the
 * JPype one) is the driver.
 */
public final class SparkContexts {
    private SparkContexts() {}

    /** A context for {@code master} ("local[2]", "local-cluster[2,1,1024]", "spark://host:7077", "yarn", ...). */
    public static JavaSparkContext create(String master, String appName, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        if (settings != null) settings.forEach(conf::set);
        Set<String> jars = new LinkedHashSet<>();
        for (String given : conf.get("spark.jars", "").split(",")) if (!given.isBlank()) jars.add(given.trim());
        jars.addAll(ownJars());
        if (!jars.isEmpty()) conf.set("spark.jars", String.join(",", jars));
        return new JavaSparkContext(conf);
    }

    /** The jar files holding the engine and this module (none when running from class folders, as in tests). */
    public static List<String> ownJars() {
        List<String> out = new ArrayList<>();
        for (Class<?> c : new Class<?>[]{Nd4j.class, SparkContexts.class}) {
            try {
                var source = c.getProtectionDomain().getCodeSource();
                if (source == null) continue;
                File f = new File(source.getLocation().toURI());
                if (f.isFile() && f.getName().endsWith(".jar")) out.add(f.getAbsolutePath());
            } catch (URISyntaxException | SecurityException e) {
                // no usable location: spark.jars must name the jar (spark-submit --jars)
            }
        }
        return out;
    }
}
