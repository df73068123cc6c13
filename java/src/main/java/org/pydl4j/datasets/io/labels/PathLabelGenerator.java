package org.pydl4j.datasets.io.labels;

import java.net.URI;

/**
 * Derives a class label from a file path, as DataVec's {@code org.datavec.api.io.labels.PathLabelGenerator}.
 * DataVec returns a {@code Writable}; here the label is a plain {@code String}.
 */
public interface PathLabelGenerator {
    /** The label of the file at this path (a local file-system path). */
    String getLabelForPath(String path);

    /** The label of the file at this URI (a {@code file:} URI). */
    String getLabelForPath(URI uri);

    /**
     * Whether the set of label classes can be inferred from the paths themselves (true for
     * {@link ParentPathLabelGenerator}); readers then collect and sort the labels.
     */
    default boolean inferLabelClasses() { return true; }
}
