"""ONNX -> engine: graphs built with onnx.helper import as DL4J layers and agree with onnxruntime within 1e-4
(relative to the output's largest magnitude); unsupported operators fail naming node, op and opset."""

import numpy as np
import onnx
import pytest
from onnx import helper

from onnx_support import TOLERANCE, import_graph, init, int_init, model, relative_error, run_engine, run_ort

RNG = np.random.default_rng(7)


def w(*shape, scale=0.3):
    return RNG.standard_normal(shape).astype(np.float32) * scale


def bn(prefix, c, x, y, eps=1e-3):
    inits = [init(prefix + "_s", 1 + w(c, scale=0.1)), init(prefix + "_b", w(c)), init(prefix + "_m", w(c)),
             init(prefix + "_v", 0.5 + np.abs(w(c)))]
    node = helper.make_node("BatchNormalization", [x] + [i.name for i in inits], [y], name=prefix, epsilon=eps)
    return node, inits


def cnn_block_model():
    """Conv (asymmetric SAME pads, stride 2) -> BN -> Clip(0,6) -> depthwise Conv -> BN -> Relu -> Add residual
    -> MaxPool -> Pad -> AveragePool -> Concat -> LeakyRelu -> GlobalAveragePool -> Flatten -> Gemm(transB) ->
    Softmax."""
    n, inits = [], []
    inits += [init("c1_w", w(8, 3, 3, 3)), init("c1_b", w(8))]
    n.append(helper.make_node("Conv", ["x", "c1_w", "c1_b"], ["c1"], name="conv1", kernel_shape=[3, 3], strides=[2, 2],
                              pads=[0, 0, 1, 1]))
    node, i = bn("bn1", 8, "c1", "b1")
    n.append(node); inits += i
    inits += [init("zero", np.float32(0)), init("six", np.float32(6))]
    n.append(helper.make_node("Clip", ["b1", "zero", "six"], ["r1"], name="relu6"))
    inits.append(init("dw_w", w(8, 1, 3, 3)))
    n.append(helper.make_node("Conv", ["r1", "dw_w"], ["dw"], name="dwconv", group=8, kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    node, i = bn("bn2", 8, "dw", "b2")
    n.append(node); inits += i
    n.append(helper.make_node("Relu", ["b2"], ["r2"], name="relu2"))
    n.append(helper.make_node("Add", ["r2", "r1"], ["add"], name="residual"))
    n.append(helper.make_node("MaxPool", ["add"], ["mp"], name="maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    inits.append(int_init("pads", [0, 0, 1, 0, 0, 0, 0, 1]))
    n.append(helper.make_node("Pad", ["mp", "pads"], ["pad"], name="pad", mode="constant"))
    n.append(helper.make_node("AveragePool", ["pad"], ["ap"], name="avgpool", kernel_shape=[2, 2], strides=[1, 1]))
    inits.append(init("c2_w", w(4, 8, 1, 1)))
    n.append(helper.make_node("Conv", ["ap", "c2_w"], ["c2"], name="conv2", kernel_shape=[1, 1]))
    n.append(helper.make_node("Concat", ["ap", "c2"], ["cat"], name="concat", axis=1))
    n.append(helper.make_node("LeakyRelu", ["cat"], ["lr"], name="lrelu", alpha=0.01))
    n.append(helper.make_node("GlobalAveragePool", ["lr"], ["gap"], name="gap"))
    n.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    inits += [init("fc_w", w(5, 12)), init("fc_b", w(5))]
    n.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1))
    n.append(helper.make_node("Softmax", ["logits"], ["y"], name="softmax", axis=1))
    return model(n, inits, [3, 16, 16], [5])


def vgg_like_model():
    """Conv -> Sigmoid -> Tanh -> Dropout -> Identity -> a PyTorch-style flatten (Shape, Gather, Unsqueeze, Concat,
    Reshape) -> MatMul + Add -> Relu -> Gemm without bias, in opset 13."""
    n, inits = [], []
    inits += [init("w1", w(4, 2, 3, 3)), init("b1", w(4))]
    n.append(helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", kernel_shape=[3, 3], auto_pad="SAME_UPPER"))
    n.append(helper.make_node("Sigmoid", ["c"], ["s"], name="sig"))
    n.append(helper.make_node("Tanh", ["s"], ["t"], name="tanh"))
    n.append(helper.make_node("Dropout", ["t"], ["d"], name="drop"))
    n.append(helper.make_node("Identity", ["d"], ["i"], name="ident"))
    n.append(helper.make_node("Shape", ["i"], ["shape"], name="shape"))
    inits += [int_init("zero_idx", 0), int_init("minus1", [-1])]
    n.append(helper.make_node("Gather", ["shape", "zero_idx"], ["batch"], name="gather", axis=0))
    inits.append(int_init("axes0", [0]))
    n.append(helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"], name="unsq"))
    n.append(helper.make_node("Concat", ["batch1", "minus1"], ["target"], name="cat_shape", axis=0))
    n.append(helper.make_node("Reshape", ["i", "target"], ["flat"], name="reshape"))
    inits += [init("mw", w(4 * 6 * 5, 7, scale=0.1)), init("mb", w(7))]
    n.append(helper.make_node("MatMul", ["flat", "mw"], ["mm"], name="matmul"))
    n.append(helper.make_node("Add", ["mm", "mb"], ["mmb"], name="bias"))
    n.append(helper.make_node("Relu", ["mmb"], ["r"], name="relu"))
    inits.append(init("gw", w(7, 3)))
    n.append(helper.make_node("Gemm", ["r", "gw"], ["y"], name="head", alpha=0.5))
    return model(n, inits, [2, 6, 5], [3], opset=13)


def squeeze_excitation_model():
    """MobileNetV3/EfficientNet-style: Conv -> HardSwish -> depthwise -> BN -> Swish (Mul + Sigmoid) -> squeeze-
    excitation (GlobalAveragePool, 1x1 Conv, Relu, 1x1 Conv, HardSigmoid, Mul broadcast over H, W) -> GAP ->
    Flatten -> Gemm."""
    n, inits = [], []
    inits.append(init("w0", w(6, 3, 3, 3)))
    n.append(helper.make_node("Conv", ["x", "w0"], ["c0"], name="stem", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    n.append(helper.make_node("HardSwish", ["c0"], ["h0"], name="hswish"))
    inits.append(init("dw", w(6, 1, 3, 3)))
    n.append(helper.make_node("Conv", ["h0", "dw"], ["d"], name="dw", group=6, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    node, i = bn("dw_bn", 6, "d", "db")
    n.append(node); inits += i
    n.append(helper.make_node("Sigmoid", ["db"], ["sg"], name="swish_gate"))
    n.append(helper.make_node("Mul", ["db", "sg"], ["sw"], name="swish"))
    n.append(helper.make_node("GlobalAveragePool", ["sw"], ["se_pool"], name="se_pool"))
    inits += [init("se_w1", w(3, 6, 1, 1)), init("se_b1", w(3)), init("se_w2", w(6, 3, 1, 1)), init("se_b2", w(6))]
    n.append(helper.make_node("Conv", ["se_pool", "se_w1", "se_b1"], ["se_r"], name="se_reduce", kernel_shape=[1, 1]))
    n.append(helper.make_node("Relu", ["se_r"], ["se_rr"], name="se_relu"))
    n.append(helper.make_node("Conv", ["se_rr", "se_w2", "se_b2"], ["se_e"], name="se_expand", kernel_shape=[1, 1]))
    n.append(helper.make_node("HardSigmoid", ["se_e"], ["se_g"], name="se_gate", alpha=0.2, beta=0.5))
    n.append(helper.make_node("Mul", ["sw", "se_g"], ["se"], name="se_scale"))
    n.append(helper.make_node("GlobalAveragePool", ["se"], ["gap"], name="gap"))
    n.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"))
    inits += [init("fw", w(4, 6)), init("fb", w(4))]
    n.append(helper.make_node("Gemm", ["flat", "fw", "fb"], ["y"], name="fc", transB=1))
    return model(n, inits, [3, 12, 12], [4])


def parametric_activations_model():
    """PyTorch's export of Hardsigmoid (alpha 1/6) as the squeeze-excitation gate and LeakyRelu(0.2) after a Conv
    (batch norm folded, as exporters write it), and a HardSigmoid with a negative alpha on the image."""
    n, inits = [], []
    inits += [init("w0", w(6, 3, 3, 3)), init("b0", w(6))]
    n.append(helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], name="conv0", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    n.append(helper.make_node("LeakyRelu", ["c0"], ["l0"], name="leaky", alpha=0.2))
    n.append(helper.make_node("GlobalAveragePool", ["l0"], ["se_pool"], name="se_pool"))
    inits += [init("se_w", w(6, 6, 1, 1)), init("se_b", w(6))]
    n.append(helper.make_node("Conv", ["se_pool", "se_w", "se_b"], ["se_e"], name="se_expand", kernel_shape=[1, 1]))
    n.append(helper.make_node("HardSigmoid", ["se_e"], ["se_g"], name="se_gate", alpha=1.0 / 6, beta=0.5))
    n.append(helper.make_node("Mul", ["l0", "se_g"], ["se"], name="se_scale"))
    n.append(helper.make_node("HardSigmoid", ["se"], ["hs"], name="hsig", alpha=-0.3, beta=0.6))
    n.append(helper.make_node("GlobalAveragePool", ["hs"], ["gap"], name="gap"))
    n.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"))
    inits += [init("fw", w(4, 6)), init("fb", w(4))]
    n.append(helper.make_node("Gemm", ["flat", "fw", "fb"], ["y"], name="fc", transB=1))
    return model(n, inits, [3, 10, 10], [4])


@pytest.mark.parametrize("build,shape", [(cnn_block_model, (3, 3, 16, 16)), (vgg_like_model, (2, 2, 6, 5)),
                                         (squeeze_excitation_model, (2, 3, 12, 12)),
                                         (parametric_activations_model, (2, 3, 10, 10))],
                         ids=["cnn-blocks", "flatten-matmul", "squeeze-excitation", "activation-parameters"])
def test_helper_models_agree_with_onnxruntime(jvm, tmp_path, build, shape):
    path = tmp_path / "m.onnx"
    onnx.save(build(), str(path))
    x = RNG.standard_normal(shape).astype(np.float32)
    net = import_graph(path)
    assert relative_error(run_engine(net, x), run_ort(path, x)) < TOLERANCE


def test_squeeze_excitation_and_swish_export_again(jvm, tmp_path):
    """The imported SE/Swish/HardSwish/HardSigmoid graph exports back to ONNX and still agrees with onnxruntime."""
    from onnx_support import export

    path, again = tmp_path / "se.onnx", tmp_path / "again.onnx"
    onnx.save(squeeze_excitation_model(), str(path))
    net = import_graph(path)
    assert str(net.getLayer("swish").layerConf().getActivation()) == "SWISH"
    assert str(net.getLayer("se_reduce").layerConf().getClass().getSimpleName()) == "DenseLayer"
    assert str(net.getConfiguration().getVertices().get("se_scale").getClass().getSimpleName()) == "ChannelScaleVertex"
    export(net, again)
    onnx.checker.check_model(onnx.load(str(again)))
    x = RNG.standard_normal((2, 3, 12, 12)).astype(np.float32)
    assert relative_error(run_ort(again, x), run_ort(path, x)) < TOLERANCE


def test_activation_parameters_import_and_export_again(jvm, tmp_path):
    """LeakyRelu's alpha and HardSigmoid's alpha/beta reach our layers and are written back by the exporter."""
    from onnx_support import export

    path, again = tmp_path / "p.onnx", tmp_path / "again.onnx"
    onnx.save(parametric_activations_model(), str(path))
    net = import_graph(path)
    gate = net.getLayer("se_gate").layerConf().getActivationSpec()
    assert (str(gate.kind()), float(gate.alpha()), float(gate.beta())) == ("HARDSIGMOID", np.float32(1 / 6), 0.5)
    assert float(net.getLayer("leaky").layerConf().getActivationSpec().alpha()) == np.float32(0.2)
    export(net, again)
    exported = onnx.load(str(again))
    written = sorted((node.op_type,) + tuple(round(a.f, 6) for a in sorted(node.attribute, key=lambda a: a.name))
                     for node in exported.graph.node if node.op_type in ("LeakyRelu", "HardSigmoid"))
    assert written == [("HardSigmoid", -0.3, 0.6), ("HardSigmoid", round(1 / 6, 6), 0.5), ("LeakyRelu", 0.2)]
    x = RNG.standard_normal((3, 3, 10, 10)).astype(np.float32) * 3
    assert relative_error(run_ort(again, x), run_ort(path, x)) < TOLERANCE


def test_imported_layers_are_dl4j_layers_named_after_nodes(jvm, tmp_path):
    path = tmp_path / "m.onnx"
    onnx.save(cnn_block_model(), str(path))
    net = import_graph(path)
    kinds = {str(v): net.getLayer(v).layerConf().getClass().getSimpleName()
             for v in ("conv1", "bn1", "relu6", "dwconv", "maxpool", "pad", "avgpool", "gap", "fc")}
    assert kinds == {"conv1": "ConvolutionLayer", "bn1": "BatchNormalization", "relu6": "ActivationLayer",
                     "dwconv": "DepthwiseConvolution2D", "maxpool": "SubsamplingLayer", "pad": "ZeroPaddingLayer",
                     "avgpool": "SubsamplingLayer", "gap": "GlobalPoolingLayer", "fc": "DenseLayer"}
    assert str(net.getLayer("relu6").layerConf().getActivation()) == "RELU6"


def test_unsupported_op_names_node_op_and_opset(jvm, tmp_path):
    n = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[1, 1]),
         helper.make_node("Erf", ["c"], ["y"], name="the_erf")]
    path = tmp_path / "erf.onnx"
    onnx.save(model(n, [init("w", w(2, 2, 1, 1))], [2, 4, 4], [2, 4, 4], opset=15), str(path))
    exc_class = jvm.java_class("org.pydl4j.onnx.UnsupportedOnnxOpException")
    with pytest.raises(exc_class) as e:
        import_graph(path)
    assert (str(e.value.node()), str(e.value.opType()), int(e.value.opset())) == ("the_erf", "Erf", 15)
    assert "erf.onnx" in str(e.value.getMessage())


def test_grouped_convolution_imports_and_agrees(jvm, tmp_path):
    n = [helper.make_node("Conv", ["x", "w"], ["c"], name="grouped", kernel_shape=[3, 3], group=2, pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu")]
    path = tmp_path / "g.onnx"
    onnx.save(model(n, [init("w", w(6, 2, 3, 3))], [4, 5, 5], [6, 5, 5]), str(path))
    net = import_graph(path)
    assert str(net.getLayer("grouped").layerConf().getClass().getSimpleName()) == "GroupedConvolution2D"
    x = RNG.standard_normal((2, 4, 5, 5)).astype(np.float32)
    assert relative_error(run_engine(net, x), run_ort(path, x)) < TOLERANCE
    from onnx_support import export

    export(net, tmp_path / "again.onnx")   # and back out as a Conv with group=2
    assert relative_error(run_ort(tmp_path / "again.onnx", x), run_ort(path, x)) < TOLERANCE


def test_inconsistent_group_is_refused_by_type(jvm, tmp_path):
    n = [helper.make_node("Conv", ["x", "w"], ["y"], name="grouped", kernel_shape=[1, 1], group=3)]
    path = tmp_path / "g.onnx"
    m = model(n, [init("w", w(4, 2, 1, 1))], [4, 4, 4], [4, 4, 4], check=False)
    path.write_bytes(m.SerializeToString())   # invalid for onnxruntime too: written without its checker
    with pytest.raises(jvm.java_class("org.pydl4j.onnx.UnsupportedOnnxOpException"), match="group=3"):
        import_graph(path)
