package org.pydl4j.nn.graph.vertex.impl;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** Runtime elementwise combination of equally shaped inputs. */
public class ElementWiseVertex extends GraphVertex {
    private final org.pydl4j.nn.conf.graph.ElementWiseVertex.Op op;
    private INDArray[] inputs;

    public ElementWiseVertex(String name, int index, org.pydl4j.nn.conf.graph.ElementWiseVertex.Op op) {
        super(name, index);
        this.op = op;
    }

    @Override
    public INDArray doForward(INDArray[] in, boolean training) {
        for (INDArray a : in) {
            if (!Arrays.equals(a.shape(), in[0].shape())) {
                StringBuilder sb = new StringBuilder();
                for (INDArray b : in) sb.append(Arrays.toString(b.shape())).append(' ');
                throw new IllegalArgumentException("vertex '" + name + "' (ElementWiseVertex " + op + "): input shapes differ: " + sb.toString().trim());
            }
        }
        if (op == org.pydl4j.nn.conf.graph.ElementWiseVertex.Op.Subtract && in.length != 2) {
            throw new IllegalArgumentException("vertex '" + name + "': Subtract needs exactly 2 inputs, got " + in.length);
        }
        this.inputs = in;
        if (op == org.pydl4j.nn.conf.graph.ElementWiseVertex.Op.Add) {   // on the backend (stays on a device)
            org.pydl4j.nd.backend.Backend be = org.pydl4j.nd.Nd4j.getBackend();
            INDArray sum = in.length == 1 ? be.dup(in[0]) : be.add(in[0], in[1]);
            for (int i = 2; i < in.length; i++) {
                INDArray next = be.add(sum, in[i]);
                sum.close();
                sum = next;
            }
            return sum;
        }
        INDArray out = in[0].dup();
        switch (op) {
            case Average: for (int i = 1; i < in.length; i++) out.addi(in[i]); out.divi(in.length); break;
            case Subtract: out.subi(in[1]); break;
            case Product: for (int i = 1; i < in.length; i++) out.muli(in[i]); break;
            case Max: for (int i = 1; i < in.length; i++) out.zip(in[i], Math::max, true); break;
            default: throw new IllegalStateException("unsupported op " + op);
        }
        return out;
    }

    @Override
    public INDArray[] doBackward(INDArray eps, boolean[] need) {
        INDArray[] g = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (!need[i]) continue;
            switch (op) {
                case Add: g[i] = org.pydl4j.nd.Nd4j.getBackend().dup(eps); break;
                case Average: g[i] = eps.div(inputs.length); break;
                case Subtract: g[i] = i == 0 ? eps.dup() : eps.neg(); break;
                case Product: {
                    INDArray p = eps.dup();
                    for (int j = 0; j < inputs.length; j++) if (j != i) p.muli(inputs[j]);
                    g[i] = p;
                    break;
                }
                case Max: {
                    INDArray p = eps.dup();
                    for (int k = 0; k < p.length(); k++) {
                        int arg = 0;
                        double best = inputs[0].getDoubleLinear(k);
                        for (int j = 1; j < inputs.length; j++) {
                            double v = inputs[j].getDoubleLinear(k);
                            if (v > best) { best = v; arg = j; }
                        }
                        if (arg != i) p.putLinear(k, 0);
                    }
                    g[i] = p;
                    break;
                }
                default: throw new IllegalStateException("unsupported op " + op);
            }
        }
        return g;
    }

    @Override
    public void clear() { inputs = null; }
}
