package org.pydl4j.ui;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.graph.ComputationGraph;

/** A small graph to train and a raw HTTP client (exact request bytes: no client-side path normalisation). */
final class UiTestSupport {
    private UiTestSupport() {}

    /** in(4) -> frozen dense(6) -> dense(5) -> softmax(3). */
    static ComputationGraph smallGraph() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .activation(Activation.TANH).graphBuilder().addInputs("in")
                .addLayer("frozen", new FrozenLayer(new DenseLayer.Builder().nOut(6).build()), "in")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).build(), "frozen")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").setInputTypes(InputType.feedForward(4)).build());
        net.init();
        return net;
    }

    static void fit(ComputationGraph net, int iterations, int batch) {
        for (int i = 0; i < iterations; i++) {
            INDArray x = Nd4j.rand(100L + i, new long[]{batch, 4});
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 3);
            for (int r = 0; r < batch; r++) y.putScalar(r, (r + i) % 3, 1.0);
            net.fit(new INDArray[]{x}, new INDArray[]{y});
        }
    }

    /** An answer: status, head (status line and headers), body. (A class, not a record: Gradle 4.4's test scanner
     * cannot read record class files and would then find no test in the package.) */
    static final class Response {
        private final int status;
        private final String head, body;

        Response(int status, String head, String body) {
            this.status = status;
            this.head = head;
            this.body = body;
        }

        int status() { return status; }

        String head() { return head; }

        String body() { return body; }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
            }
            return null;
        }
    }

    /** Sends exactly {@code request} (CRLF lines, ending with an empty line, plus any body) and reads the answer. */
    static Response raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int split = -1;
            while (split < 0) {       // the head, then exactly Content-Length bytes (no waiting for the close)
                int b = in.read();
                if (b < 0) break;
                all.write(b);
                String sofar = all.toString(StandardCharsets.ISO_8859_1);
                if (sofar.endsWith("\r\n\r\n")) split = sofar.length() - 4;
            }
            String head = all.toString(StandardCharsets.ISO_8859_1).trim();
            Response partial = new Response(Integer.parseInt(head.split(" ")[1]), head, "");
            String length = partial.header("Content-Length");
            byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
            return new Response(partial.status(), head, new String(body, StandardCharsets.UTF_8));
        }
    }

    static Response get(int port, String target, String host, String extraHeaders) throws IOException {
        return raw(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + extraHeaders + "\r\n");
    }
}
