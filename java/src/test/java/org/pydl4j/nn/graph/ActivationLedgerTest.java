package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/** The training pass's activation bookkeeping: what is closed when, and what never is. */
public class ActivationLedgerTest {
    private static INDArray array() { return Nd4j.zeros(DataType.FLOAT, 4, 3); }

    @Test
    public void anArrayUnderTwoNamesIsClosedWhenTheLastNameIsReleased() {
        ActivationLedger ledger = new ActivationLedger(Set.of("conv"));
        INDArray shared = array();
        ledger.put("dropout", shared);   // an inference-mode vertex returning its input
        ledger.put("frozen", shared);
        ledger.release("frozen");
        assertFalse("still the activation of 'dropout'", shared.isClosed());
        assertNull(ledger.activations().get("frozen"));
        ledger.release("dropout");
        assertTrue(shared.isClosed());
        ledger.release("dropout");   // releasing twice is harmless
        assertTrue(ledger.activations().isEmpty());
    }

    @Test
    public void keptArraysAreNeverClosed() {
        ActivationLedger ledger = new ActivationLedger(Set.of());
        INDArray input = array(), output = array(), hidden = array();
        ledger.put("in", input);
        ledger.keep(input);
        ledger.put("out", output);
        ledger.keepAll(java.util.List.of("out"));
        ledger.put("hidden", hidden);
        for (String name : new String[]{"in", "out", "hidden"}) ledger.release(name);
        assertFalse("a caller's input", input.isClosed());
        assertFalse("a network output", output.isClosed());
        assertTrue(hidden.isClosed());
    }

    @Test
    public void knowsWhatTheBackwardPassReads() {
        ActivationLedger ledger = new ActivationLedger(Set.of("conv", "bn"));
        assertTrue(ledger.neededForBackward("conv"));
        assertFalse(ledger.neededForBackward("frozen_conv"));
        assertEquals(0, ledger.activations().size());
    }
}
