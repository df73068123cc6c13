package org.pydl4j.eval;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

public class EvaluationTest {

    private static INDArray oneHot(int numClasses, int... classes) {
        float[] d = new float[classes.length * numClasses];
        for (int i = 0; i < classes.length; i++) d[i * numClasses + classes[i]] = 1;
        return Nd4j.create(d, classes.length, numClasses);
    }

    /** Soft outputs whose argmax is the given class. */
    private static INDArray probs(int numClasses, int... classes) {
        float[] d = new float[classes.length * numClasses];
        for (int i = 0; i < classes.length; i++) {
            for (int c = 0; c < numClasses; c++) d[i * numClasses + c] = 0.1f / numClasses;
            d[i * numClasses + classes[i]] = 0.7f;
        }
        return Nd4j.create(d, classes.length, numClasses);
    }

    /**
     * actual -> predicted: a->a x2, a->b, b->b, b->a, c->a, c->b (class c never predicted).
     * Confusion rows (actual a, b, c): [2 1 0], [1 1 0], [1 1 0].
     */
    private static Evaluation handExample() {
        Evaluation e = new Evaluation(List.of("a", "b", "c"));
        e.eval(oneHot(3, 0, 0, 0, 1), probs(3, 0, 0, 1, 1));     // two batches, counts accumulate
        e.eval(oneHot(3, 1, 2, 2), probs(3, 0, 0, 1));
        return e;
    }

    @Test
    public void handComputedMetrics() {
        Evaluation e = handExample();
        assertEquals(7, e.getNumRowCounter());
        assertEquals(3.0 / 7, e.accuracy(), 1e-12);
        assertEquals(2.0 / 4, e.precision(0), 1e-12);
        assertEquals(1.0 / 3, e.precision(1), 1e-12);
        assertEquals("never predicted: precision 0", 0.0, e.precision(2), 0);
        assertEquals(2.0 / 3, e.recall(0), 1e-12);
        assertEquals(1.0 / 2, e.recall(1), 1e-12);
        assertEquals(0.0, e.recall(2), 0);
        assertEquals(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), e.f1(0), 1e-12);
        assertEquals(0.4, e.f1(1), 1e-12);
        assertEquals(0.0, e.f1(2), 0);
        // macro averages exclude the undefined precision of class c (and therefore its F1), not its recall
        assertEquals((0.5 + 1.0 / 3) / 2, e.precision(), 1e-12);
        assertEquals((2.0 / 3 + 0.5 + 0) / 3, e.recall(), 1e-12);
        assertEquals((4.0 / 7 + 0.4) / 2, e.f1(), 1e-12);
        assertEquals(1, e.averagePrecisionNumClassesExcluded());
        assertEquals(0, e.averageRecallNumClassesExcluded());
        assertEquals(1, e.averageF1NumClassesExcluded());
        assertEquals(3.0 / 7, e.precision(EvaluationAveraging.Micro), 1e-12);
        assertEquals(3.0 / 7, e.recall(EvaluationAveraging.Micro), 1e-12);
        assertEquals(3, e.classCount(0));
        assertEquals(2, e.classCount(1));
        assertEquals(2, e.classCount(2));
        assertArrayEquals(new int[][]{{2, 1, 0}, {1, 1, 0}, {1, 1, 0}}, e.getConfusionMatrix().toArray());
        assertEquals(Integer.valueOf(2), e.falsePositives().get(0));   // b->a, c->a
        assertEquals(Integer.valueOf(2), e.falsePositives().get(1));   // a->b, c->b
        assertEquals(Integer.valueOf(0), e.falsePositives().get(2));
        assertEquals(Integer.valueOf(2), e.falseNegatives().get(2));   // c->a, c->b
        assertEquals(Integer.valueOf(2), e.trueNegatives().get(0));    // neither actual nor predicted a: b->b, c->b
    }

    @Test
    public void statsLayoutAsDl4j() {
        String s = handExample().stats();
        String expected = "\n"
                + "\n========================Evaluation Metrics========================"
                + "\n # of classes:    3"
                + "\n Accuracy:        0.4286"
                + "\n Precision:       0.4167\t(1 class excluded from average)"
                + "\n Recall:          0.3889"
                + "\n F1 Score:        0.4857\t(1 class excluded from average)"
                + "\nPrecision, recall & F1: macro-averaged (equally weighted avg. of 3 classes)"
                + "\n\n"
                + "Warning: 1 class was never predicted by the model and was excluded from average precision\n"
                + "Classes excluded from average precision: [2]\n"
                + "\n=========================Confusion Matrix=========================\n"
                + " 0 1 2\n"
                + "-------\n"
                + " 2 1 0 | 0 = a\n"
                + " 1 1 0 | 1 = b\n"
                + " 1 1 0 | 2 = c\n"
                + "\nConfusion matrix format: Actual (rowClass) predicted as (columnClass) N times"
                + "\n==================================================================";
        assertEquals(expected, s);
        assertFalse(handExample().stats(true).contains("Warning"));
        assertFalse(handExample().stats(false, false).contains("Confusion Matrix"));
    }

    @Test
    public void confusionMatrixStringMatchesDl4jExample() {
        // DL4J's own example: predicted 0 / actual 1 twice, 2 / 2 three times (labels a, b, c)
        Evaluation e = new Evaluation(Arrays.asList("a", "b", "c"));
        INDArray c0 = Nd4j.create(new float[]{1, 0, 0}, 3), c1 = Nd4j.create(new float[]{0, 1, 0}, 3), c2 = Nd4j.create(new float[]{0, 0, 1}, 3);
        e.eval(c0, c1);
        e.eval(c0, c1);
        e.eval(c2, c2);
        e.eval(c2, c2);
        e.eval(c2, c2);
        String exp = " 0 1 2\n"
                + "-------\n"
                + " 0 2 0 | 0 = a\n"
                + " 0 0 0 | 1 = b\n"
                + " 0 0 3 | 2 = c\n"
                + "\nConfusion matrix format: Actual (rowClass) predicted as (columnClass) N times";
        assertEquals(exp, e.confusionMatrix());
    }

    @Test
    public void classesNeverPredictedAreExcludedLikeDl4j() {
        // everything predicted as class 2; labels 0, 0, 1, 2 (DL4J prints 0.2500 / 0.3333 / 0.4000 with 2 excluded)
        Evaluation e = new Evaluation(3);
        e.eval(oneHot(3, 0, 0, 1, 2), probs(3, 2, 2, 2, 2));
        String s = e.stats();
        assertTrue(s, s.contains("\n Precision:       0.2500\t(2 classes excluded from average)"));
        assertTrue(s, s.contains("\n Recall:          0.3333\n"));
        assertTrue(s, s.contains("\n F1 Score:        0.4000\t(2 classes excluded from average)"));
        assertTrue(s, s.contains("Warning: 2 classes were never predicted by the model and were excluded from average precision\n"
                + "Classes excluded from average precision: [0, 1]\n"));
        assertTrue(s, s.contains(" 0 0 2 | 0 = 0\n"));
    }

    @Test
    public void binaryReportsPositiveClass() {
        // 192 negatives and 120 positives, all predicted negative (layout of a published DL4J run)
        Evaluation e = new Evaluation(2);
        int[] actual = new int[312];
        for (int i = 192; i < 312; i++) actual[i] = 1;
        e.eval(oneHot(2, actual), probs(2, new int[312]));
        assertEquals(192.0 / 312, e.accuracy(), 1e-12);
        assertEquals(0.0, e.precision(), 0);
        assertEquals(0.0, e.recall(), 0);
        assertEquals(0.0, e.f1(), 0);
        String s = e.stats();
        assertTrue(s, s.contains("\n Accuracy:        0.6154\n Precision:       0.0000\n Recall:          0.0000\n F1 Score:        0.0000\n"
                + "Precision, recall & F1: reported for positive class (class 1 - \"1\") only\n\n"
                + "Warning: 1 class was never predicted by the model and was excluded from average precision\n"
                + "Classes excluded from average precision: [1]\n"));
        assertTrue(s, s.contains("   0   1\n---------\n 192   0 | 0 = 0\n 120   0 | 1 = 1\n"));
    }

    @Test
    public void wrongNumberOfClassesNamesBothSizes() {
        Evaluation e = new Evaluation(List.of("daisy", "dandelion", "roses", "sunflowers", "tulips"));
        try {
            e.eval(oneHot(4, 0, 1), probs(4, 0, 1));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException ex) {
            assertTrue(ex.getMessage(), ex.getMessage().contains("5 classes") && ex.getMessage().contains("have 4"));
        }
        try {
            e.eval(oneHot(5, 0, 1), probs(4, 0, 1));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException ex) {
            assertTrue(ex.getMessage(), ex.getMessage().contains("labels have 5") && ex.getMessage().contains("predictions have 4"));
        }
        try {
            e.eval(oneHot(5, 0, 1, 2), probs(5, 0, 1));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException ex) {
            assertTrue(ex.getMessage(), ex.getMessage().contains("3 examples") && ex.getMessage().contains("have 2"));
        }
        assertEquals(0, e.getNumRowCounter());
    }

    @Test
    public void inferredClassesSingleEvalsMergeAndEmpty() {
        Evaluation empty = new Evaluation(4);
        assertEquals(0.0, empty.accuracy(), 0);
        assertEquals(0.0, empty.precision(), 0);
        assertTrue(Double.isNaN(empty.f1()));

        Evaluation inferred = new Evaluation();
        inferred.eval(oneHot(4, 0, 1, 2, 3), probs(4, 0, 1, 2, 0));
        assertEquals(4, inferred.numClasses());
        assertEquals(0.75, inferred.accuracy(), 1e-12);

        Evaluation single = new Evaluation(4);
        single.eval(0, 0);
        single.eval(1, 1);
        single.eval(2, 2);
        single.eval(0, 3);   // predicted 0, actual 3
        assertArrayEquals(inferred.getConfusionMatrix().toArray(), single.getConfusionMatrix().toArray());

        inferred.merge(single);
        assertEquals(8, inferred.getNumRowCounter());
        assertEquals(2, inferred.getConfusionMatrix().getCount(3, 0));
        try {
            inferred.merge(new Evaluation(3));
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException ex) {
            assertTrue(ex.getMessage().contains("4 classes") && ex.getMessage().contains("3"));
        }
    }

    @Test
    public void manyClassesOmitTheConfusionMatrixUnlessAsked() {
        Evaluation e = new Evaluation(25);
        e.eval(oneHot(25, 3, 24), probs(25, 3, 1));
        assertTrue(e.stats().contains("Note: Confusion matrix not generated due to space requirements for 25 classes."));
        assertTrue(e.stats(false, true).contains("=========================Confusion Matrix========================="));
        assertTrue(e.stats(false, true).contains(" | 24 = 24\n"));
    }
}
