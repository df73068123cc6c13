package org.pydl4j.eval;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pydl4j.nd.INDArray;

/**
 * Classification metrics as ND4J's {@code org.nd4j.evaluation.classification.Evaluation}: accuracy, per-class and
 * averaged precision / recall / F1, a confusion matrix and a {@link #stats()} report in DL4J's layout.
 *
 * <p>Predictions are the argmax of each row of the network output, actual classes the argmax of each row of the
 * one-hot labels (ties: the first maximum). Rows are examples; arrays are {@code [examples, classes]} (a rank-1
 * array is one example).
 *
 * <p>Edge cases follow DL4J:
 * <ul>
 *   <li>{@code precision(c)} of a class never predicted (TP = FP = 0) is 0.0, and {@code recall(c)} of a class
 *       that never occurs in the labels (TP = FN = 0) is 0.0; {@code f1(c)} is 0.0 when either is undefined.</li>
 *   <li>Macro averages leave such classes out (averaging over the rest); {@link #stats()} then says how many were
 *       excluded and prints DL4J's warning ("Warning: 1 class was never predicted by the model and was excluded
 *       from average precision", and the same wording for recall, where it means the class never occurred in the
 *       labels).</li>
 *   <li>With exactly 2 classes, class 1 is the positive class: {@code precision()}, {@code recall()} and
 *       {@code f1()} report class 1 only, and {@link #stats()} says so.</li>
 *   <li>With no data, accuracy, precision and recall are 0.0 and F1 is NaN.</li>
 * </ul>
 * A different number of classes between labels, predictions and this evaluation raises an
 * {@link IllegalArgumentException} naming both sizes.
 *
 * <p>Not provided: top-N accuracy, cost arrays, binary decision thresholds, record metadata, time-series masks.
 */
public class Evaluation implements IEvaluation<Evaluation>, java.io.Serializable {   // Spark: merged on the driver
    private static final long serialVersionUID = 1L;

    /** A single-number summary, as ND4J's {@code Evaluation.Metric} (macro averages for more than 2 classes). */
    public enum Metric { ACCURACY, F1, PRECISION, RECALL }

    /** Above this many classes {@link #stats()} leaves the confusion matrix out (as DL4J). */
    public static final int CONFUSION_PRINT_MAX_CLASSES = 20;

    private int numClasses = -1;            // -1 until known (no-argument constructor, before the first eval)
    private List<String> labelsList;        // null when the classes have no names
    private Integer binaryPositiveClass;
    private boolean positiveClassGiven;
    private ConfusionMatrix confusion;
    private int numRowCounter;

    /** The number of classes is taken from the first {@code eval}. */
    public Evaluation() {}

    /** An evaluation of {@code numClasses} classes, named by their index. */
    public Evaluation(int numClasses) {
        this(numClasses, numClasses == 2 ? 1 : null);
    }

    /**
     * @param numClasses          number of classes
     * @param binaryPositiveClass for 2 classes: the class precision/recall/F1 are reported for; null for macro averages
     */
    public Evaluation(int numClasses, Integer binaryPositiveClass) {
        if (numClasses < 1) throw new IllegalArgumentException("Evaluation: numClasses must be >= 1, got " + numClasses);
        if (binaryPositiveClass != null && (numClasses != 2 || (binaryPositiveClass != 0 && binaryPositiveClass != 1))) {
            throw new IllegalArgumentException("Evaluation: binaryPositiveClass must be 0 or 1 with 2 classes, got " + binaryPositiveClass + " with " + numClasses + " classes");
        }
        setNumClasses(numClasses);
        this.binaryPositiveClass = binaryPositiveClass;
        this.positiveClassGiven = true;
    }

    /** An evaluation of {@code labels.size()} classes, class i named {@code labels.get(i)}. */
    public Evaluation(List<String> labels) {
        this(checkLabels(labels).size());
        this.labelsList = Collections.unmodifiableList(new ArrayList<>(labels));
    }

    private static List<String> checkLabels(List<String> labels) {
        if (labels == null || labels.isEmpty()) throw new IllegalArgumentException("Evaluation: labels list is null or empty");
        return labels;
    }

    private void setNumClasses(int n) {
        this.numClasses = n;
        this.confusion = new ConfusionMatrix(n);
    }

    // ---------------------------------------------------------------- counting

    /**
     * Adds a batch: {@code labels} one-hot (or any scores whose argmax is the true class) and {@code predictions}
     * the network output, both {@code [examples, classes]}.
     */
    @Override
    public void eval(INDArray labels, INDArray predictions) {
        if (labels == null || predictions == null) throw new IllegalArgumentException("Evaluation.eval: labels and predictions must not be null");
        long[] ls = asMatrixShape(labels, "labels"), ps = asMatrixShape(predictions, "predictions");
        if (ls[1] != ps[1]) {
            throw new IllegalArgumentException("Evaluation.eval: labels have " + ls[1] + " classes (columns) but predictions have " + ps[1]);
        }
        if (ls[0] != ps[0]) {
            throw new IllegalArgumentException("Evaluation.eval: labels have " + ls[0] + " examples (rows) but predictions have " + ps[0]);
        }
        int cols = (int) ls[1];
        if (numClasses < 0) {
            setNumClasses(cols);
            if (!positiveClassGiven && cols == 2) binaryPositiveClass = 1;
        } else if (cols != numClasses) {
            throw new IllegalArgumentException("Evaluation.eval: this evaluation has " + numClasses + " classes"
                    + (labelsList == null ? "" : " " + labelsList) + " but labels and predictions have " + cols);
        }
        int rows = (int) ls[0];
        for (int r = 0; r < rows; r++) {
            int actual = argMaxRow(labels, r, cols), predicted = argMaxRow(predictions, r, cols);
            confusion.add(actual, predicted);
            numRowCounter++;
        }
    }

    private static long[] asMatrixShape(INDArray a, String what) {
        if (a.rank() == 1) return new long[]{1, a.size(0)};
        if (a.rank() != 2) {
            throw new IllegalArgumentException("Evaluation.eval: " + what + " must be [examples, classes], got shape " + Arrays.toString(a.shape()));
        }
        return a.shape();
    }

    private static int argMaxRow(INDArray a, int row, int cols) {
        int base = row * cols, best = 0;
        double bestV = a.getDoubleLinear(base);
        for (int c = 1; c < cols; c++) {
            double v = a.getDoubleLinear(base + c);
            if (v > bestV || (Double.isNaN(bestV) && !Double.isNaN(v))) { bestV = v; best = c; }
        }
        return best;
    }

    /** Adds one example given by class indices (DL4J's argument order: predicted first). */
    public void eval(int predictedIdx, int actualIdx) {
        if (numClasses < 0) throw new IllegalStateException("Evaluation.eval(int, int): the number of classes is not known yet; construct with numClasses or labels");
        if (predictedIdx < 0 || predictedIdx >= numClasses || actualIdx < 0 || actualIdx >= numClasses) {
            throw new IllegalArgumentException("Evaluation.eval: class indices (predicted " + predictedIdx + ", actual " + actualIdx
                    + ") must be in 0.." + (numClasses - 1));
        }
        confusion.add(actualIdx, predictedIdx);
        numRowCounter++;
    }

    /** Adds the counts of {@code other} (same number of classes) to this evaluation. */
    @Override
    public void merge(Evaluation other) {
        if (other == null || other.numClasses < 0) return;
        if (numClasses < 0) {
            setNumClasses(other.numClasses);
            if (!positiveClassGiven) binaryPositiveClass = other.binaryPositiveClass;
        } else if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("Evaluation.merge: this evaluation has " + numClasses + " classes, the other " + other.numClasses);
        }
        confusion.add(other.confusion);
        numRowCounter += other.numRowCounter;
        if (labelsList == null && other.labelsList != null) labelsList = other.labelsList;
    }

    /** Forgets all counted examples (the classes and labels stay). */
    @Override
    public void reset() {
        if (numClasses > 0) confusion = new ConfusionMatrix(numClasses);
        numRowCounter = 0;
    }

    // ---------------------------------------------------------------- counts

    /** Number of classes (0 before it is known). */
    public int numClasses() { return Math.max(numClasses, 0); }

    /** Number of examples evaluated. */
    public int getNumRowCounter() { return numRowCounter; }

    /** The class names given at construction, or null. */
    public List<String> getLabelsList() { return labelsList; }

    /** The name of class {@code clazz}: its label if known, else its index. */
    public String getClassLabel(int clazz) {
        return labelsList != null && clazz >= 0 && clazz < labelsList.size() ? labelsList.get(clazz) : String.valueOf(clazz);
    }

    public Integer getBinaryPositiveClass() { return binaryPositiveClass; }

    /** The confusion matrix (row actual, column predicted); null before the number of classes is known. */
    public ConfusionMatrix getConfusionMatrix() { return confusion; }

    private long tp(int c) { return confusion.getCount(c, c); }
    private long fp(int c) { return confusion.getPredictedTotal(c) - tp(c); }
    private long fn(int c) { return confusion.getActualTotal(c) - tp(c); }
    private long tn(int c) { return numRowCounter - tp(c) - fp(c) - fn(c); }

    private Map<Integer, Integer> countMap(java.util.function.IntToLongFunction f) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int c = 0; c < numClasses(); c++) m.put(c, (int) f.applyAsLong(c));
        return m;
    }

    public Map<Integer, Integer> truePositives() { return countMap(this::tp); }
    public Map<Integer, Integer> falsePositives() { return countMap(this::fp); }
    public Map<Integer, Integer> falseNegatives() { return countMap(this::fn); }
    public Map<Integer, Integer> trueNegatives() { return countMap(this::tn); }

    /** How many examples have actual class {@code clazz}. */
    public int classCount(int clazz) {
        checkClass(clazz);
        return confusion.getActualTotal(clazz);
    }

    private void checkClass(int c) {
        if (c < 0 || c >= numClasses()) throw new IllegalArgumentException("Evaluation: class " + c + " is outside 0.." + (numClasses() - 1));
    }

    // ---------------------------------------------------------------- metrics

    /** Fraction of examples whose predicted class is the actual class (0.0 with no data). */
    public double accuracy() {
        if (numRowCounter == 0) return 0.0;
        long correct = 0;
        for (int c = 0; c < numClasses; c++) correct += tp(c);
        return correct / (double) numRowCounter;
    }

    /** TP / (TP + FP) of class {@code classLabel}; 0.0 if the class was never predicted. */
    public double precision(int classLabel) { return precision(classLabel, 0.0); }

    /** Precision of one class, {@code edgeCase} when it is 0/0. */
    public double precision(int classLabel, double edgeCase) {
        checkClass(classLabel);
        long t = tp(classLabel), f = fp(classLabel);
        return t + f == 0 ? edgeCase : t / (double) (t + f);
    }

    /** TP / (TP + FN) of class {@code classLabel}; 0.0 if the class never occurs in the labels. */
    public double recall(int classLabel) { return recall(classLabel, 0.0); }

    /** Recall of one class, {@code edgeCase} when it is 0/0. */
    public double recall(int classLabel, double edgeCase) {
        checkClass(classLabel);
        long t = tp(classLabel), f = fn(classLabel);
        return t + f == 0 ? edgeCase : t / (double) (t + f);
    }

    /** F1 of class {@code classLabel}: 2PR / (P + R); 0.0 if precision or recall is undefined, or both are 0. */
    public double f1(int classLabel) { return fBeta(1.0, classLabel, 0.0); }

    /** F-beta of one class, {@code defaultValue} if its precision or recall is 0/0. */
    public double fBeta(double beta, int classLabel, double defaultValue) {
        double p = precision(classLabel, -1), r = recall(classLabel, -1);
        if (p == -1 || r == -1) return defaultValue;
        return fBeta(beta, p, r);
    }

    private static double fBeta(double beta, double p, double r) {
        if (p == 0.0 || r == 0.0) return 0.0;
        double b2 = beta * beta;
        return (1 + b2) * p * r / (b2 * p + r);
    }

    private boolean binary() { return binaryPositiveClass != null && numClasses == 2; }

    /** Precision of the positive class for 2 classes, else the macro average. */
    public double precision() { return binary() ? precision(binaryPositiveClass) : precision(EvaluationAveraging.Macro); }

    /** Recall of the positive class for 2 classes, else the macro average. */
    public double recall() { return binary() ? recall(binaryPositiveClass) : recall(EvaluationAveraging.Macro); }

    /** F1 of the positive class for 2 classes, else the macro average. */
    public double f1() { return binary() ? f1(binaryPositiveClass) : f1(EvaluationAveraging.Macro); }

    /** Macro: mean over the classes whose precision is defined. Micro: from summed counts (equals accuracy). */
    /** The value of one {@link Metric}, as {@code Evaluation.scoreForMetric}. */
    public double scoreForMetric(Metric metric) {
        switch (metric) {
            case ACCURACY: return accuracy();
            case F1: return f1();
            case PRECISION: return precision();
            case RECALL: return recall();
            default: throw new IllegalArgumentException("unknown metric " + metric);
        }
    }

    public double precision(EvaluationAveraging averaging) {
        if (numRowCounter == 0) return 0.0;
        if (averaging == EvaluationAveraging.Micro) {
            long t = 0, f = 0;
            for (int c = 0; c < numClasses; c++) { t += tp(c); f += fp(c); }
            return t + f == 0 ? 0.0 : t / (double) (t + f);
        }
        return macro(c -> precision(c, -1));
    }

    /** Macro: mean over the classes whose recall is defined. Micro: from summed counts (equals accuracy). */
    public double recall(EvaluationAveraging averaging) {
        if (numRowCounter == 0) return 0.0;
        if (averaging == EvaluationAveraging.Micro) {
            long t = 0, f = 0;
            for (int c = 0; c < numClasses; c++) { t += tp(c); f += fn(c); }
            return t + f == 0 ? 0.0 : t / (double) (t + f);
        }
        return macro(c -> recall(c, -1));
    }

    /** Macro: mean over the classes whose precision and recall are defined. Micro: from summed counts. */
    public double f1(EvaluationAveraging averaging) {
        if (numRowCounter == 0) return Double.NaN;
        if (averaging == EvaluationAveraging.Micro) {
            long t = 0, fpS = 0, fnS = 0;
            for (int c = 0; c < numClasses; c++) { t += tp(c); fpS += fp(c); fnS += fn(c); }
            double p = t + fpS == 0 ? 0.0 : t / (double) (t + fpS), r = t + fnS == 0 ? 0.0 : t / (double) (t + fnS);
            return fBeta(1.0, p, r);
        }
        return macro(c -> fBeta(1.0, c, -1));
    }

    private double macro(java.util.function.IntToDoubleFunction perClass) {
        double sum = 0;
        int count = 0;
        for (int c = 0; c < numClasses; c++) {
            double v = perClass.applyAsDouble(c);
            if (v != -1) { sum += v; count++; }
        }
        return count == 0 ? 0.0 : sum / count;
    }

    /** Classes left out of the macro-averaged precision (never predicted). */
    public int averagePrecisionNumClassesExcluded() { return excluded(c -> precision(c, -1)); }

    /** Classes left out of the macro-averaged recall (never in the labels). */
    public int averageRecallNumClassesExcluded() { return excluded(c -> recall(c, -1)); }

    /** Classes left out of the macro-averaged F1 (precision or recall undefined). */
    public int averageF1NumClassesExcluded() { return excluded(c -> fBeta(1.0, c, -1)); }

    private int excluded(java.util.function.IntToDoubleFunction perClass) {
        int n = 0;
        for (int c = 0; c < numClasses(); c++) if (perClass.applyAsDouble(c) == -1) n++;
        return n;
    }

    // ---------------------------------------------------------------- reports

    /** The report in DL4J's layout, with warnings, and the confusion matrix for at most 20 classes. */
    @Override
    public String stats() { return stats(false); }

    /** The report; {@code suppressWarnings} leaves out the excluded-class warnings. */
    public String stats(boolean suppressWarnings) {
        return stats(suppressWarnings, numClasses() <= CONFUSION_PRINT_MAX_CLASSES, numClasses() > CONFUSION_PRINT_MAX_CLASSES);
    }

    /** The report, with the confusion matrix if {@code includeConfusion}. */
    public String stats(boolean suppressWarnings, boolean includeConfusion) {
        return stats(suppressWarnings, includeConfusion, false);
    }

    private String stats(boolean suppressWarnings, boolean includeConfusion, boolean noteConfusionOmitted) {
        int n = numClasses();
        StringBuilder warnings = new StringBuilder();
        if (!suppressWarnings && numRowCounter > 0) {
            List<Integer> noPrecision = new ArrayList<>(), noRecall = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                if (tp(c) == 0 && fp(c) == 0) noPrecision.add(c);
                if (tp(c) == 0 && fn(c) == 0) noRecall.add(c);
            }
            if (!noPrecision.isEmpty()) warning(warnings, noPrecision, "precision");
            if (!noRecall.isEmpty()) warning(warnings, noRecall, "recall");
        }
        DecimalFormat df = new DecimalFormat("0.0000", DecimalFormatSymbols.getInstance(Locale.ROOT));
        StringBuilder sb = new StringBuilder("\n");
        sb.append("\n========================Evaluation Metrics========================");
        sb.append("\n # of classes:    ").append(n);
        sb.append("\n Accuracy:        ").append(format(df, accuracy()));
        sb.append("\n Precision:       ").append(format(df, precision()));
        if (n > 2) excludedNote(sb, averagePrecisionNumClassesExcluded());
        sb.append("\n Recall:          ").append(format(df, recall()));
        if (n > 2) excludedNote(sb, averageRecallNumClassesExcluded());
        sb.append("\n F1 Score:        ").append(format(df, f1()));
        if (n > 2) excludedNote(sb, averageF1NumClassesExcluded());
        if (binary()) {
            sb.append("\nPrecision, recall & F1: reported for positive class (class ").append(binaryPositiveClass)
                    .append(" - \"").append(getClassLabel(binaryPositiveClass)).append("\") only");
        } else {
            sb.append("\nPrecision, recall & F1: macro-averaged (equally weighted avg. of ").append(n).append(" classes)");
        }
        sb.append("\n\n").append(warnings);
        if (includeConfusion) {
            sb.append("\n=========================Confusion Matrix=========================\n");
            sb.append(confusionMatrix());
        } else if (noteConfusionOmitted) {
            sb.append("\n\nNote: Confusion matrix not generated due to space requirements for ").append(n).append(" classes.\n")
                    .append("Use stats(false,true) to generate anyway");
        }
        sb.append("\n==================================================================");
        return sb.toString();
    }

    private static void excludedNote(StringBuilder sb, int ex) {
        if (ex > 0) sb.append("\t(").append(ex).append(ex > 1 ? " classes" : " class").append(" excluded from average)");
    }

    private static void warning(StringBuilder sb, List<Integer> classes, String metric) {
        boolean one = classes.size() == 1;
        String wasWere = one ? "was" : "were";
        sb.append("Warning: ").append(classes.size()).append(one ? " class " : " classes ").append(wasWere)
                .append(" never predicted by the model and ").append(wasWere).append(" excluded from average ").append(metric)
                .append("\nClasses excluded from average ").append(metric).append(": ").append(classes).append("\n");
    }

    private static String format(DecimalFormat df, double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? String.valueOf(v) : df.format(v);
    }

    /**
     * The confusion matrix as text in DL4J's layout: a header of class indices, a dashed rule, one row per actual
     * class ending {@code " | index = name"}, then the format line. Columns are as wide as the largest count (or
     * class index) plus one.
     */
    public String confusionMatrix() {
        if (confusion == null) return "Confusion matrix: <no data>";
        int n = numClasses;
        long max = Math.max(1, n - 1);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) max = Math.max(max, confusion.getCount(i, j));
        int digits = String.valueOf(max).length();
        String fmt = "%" + (digits + 1) + "d";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(String.format(Locale.ROOT, fmt, i));
        sb.append('\n');
        for (int i = 0, rule = (digits + 1) * n + 1; i < rule; i++) sb.append('-');
        sb.append('\n');
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) sb.append(String.format(Locale.ROOT, fmt, confusion.getCount(a, p)));
            sb.append(" | ").append(a).append(" = ").append(getClassLabel(a)).append('\n');
        }
        sb.append("\nConfusion matrix format: Actual (rowClass) predicted as (columnClass) N times");
        return sb.toString();
    }

    /** Same as {@link #stats()}. */
    @Override
    public String toString() { return stats(); }
}
