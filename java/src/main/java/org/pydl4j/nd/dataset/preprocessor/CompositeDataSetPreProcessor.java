package org.pydl4j.nd.dataset.preprocessor;

import java.util.List;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetPreProcessor;

/** Applies several pre-processors in order, as ND4J's CompositeDataSetPreProcessor. */
public class CompositeDataSetPreProcessor implements DataSetPreProcessor {
    private final List<DataSetPreProcessor> preProcessors;

    public CompositeDataSetPreProcessor(DataSetPreProcessor... preProcessors) {
        for (DataSetPreProcessor p : preProcessors) {
            if (p == null) throw new IllegalArgumentException("CompositeDataSetPreProcessor: null pre-processor");
        }
        this.preProcessors = List.of(preProcessors);
    }

    @Override
    public void preProcess(DataSet dataSet) {
        for (DataSetPreProcessor p : preProcessors) p.preProcess(dataSet);
    }
}
