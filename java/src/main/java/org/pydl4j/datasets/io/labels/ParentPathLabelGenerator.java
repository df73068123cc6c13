package org.pydl4j.datasets.io.labels;

import java.io.File;
import java.net.URI;

/**
 * Labels a file by the name of the folder that contains it ({@code root/daisy/1.jpg -> "daisy"}), as DataVec's
 * {@code ParentPathLabelGenerator}.
 */
public class ParentPathLabelGenerator implements PathLabelGenerator {
    public ParentPathLabelGenerator() {}

    @Override
    public String getLabelForPath(String path) {
        File parent = new File(path).getAbsoluteFile().getParentFile();
        if (parent == null || parent.getName().isEmpty()) {
            throw new IllegalArgumentException("ParentPathLabelGenerator: file " + path + " has no parent folder to take a label from");
        }
        return parent.getName();
    }

    @Override
    public String getLabelForPath(URI uri) {
        return getLabelForPath(new File(uri).getPath());
    }

    @Override
    public String toString() { return "ParentPathLabelGenerator()"; }
}
