"""Zoo -> ONNX -> onnxruntime: every zoo model, exported by OnnxExporter (opset 17, dynamic batch), agrees with the
engine within 1e-4 relative to the output's largest magnitude; re-importing the file gives the same network.
Small inputs keep this in `make test` (full-size VGG exports run in `make test-slow`)."""

import jpype
import numpy as np
import onnx
import pytest

from onnx_support import TOLERANCE, export, import_graph, relative_error, run_engine, run_ort

ZOO = "org.pydl4j.zoo.model."


def shape(*v):
    return jpype.JArray(jpype.JInt)(list(v))


def randomize_batch_norm(net, seed):
    """Random running statistics and affine terms, so batch norm is not an identity in the comparison."""
    from pydl4j_transfer import jvm

    rng = np.random.default_rng(seed)
    for key, value in net.paramTable().items():
        key = str(key)
        array = jvm.to_numpy(value)
        if key.endswith(("_var", "_gamma")):
            array[...] = rng.uniform(0.5, 1.5, array.shape)
        elif key.endswith(("_mean", "_beta")):
            array[...] = rng.uniform(-0.2, 0.2, array.shape)
    return net


MODELS = {
    "vgg16": (lambda j: j(ZOO + "VGG16").builder().inputShape(shape(3, 32, 32)).numClasses(10).build(), (2, 3, 32, 32)),
    "vgg16_notop": (lambda j: j(ZOO + "VGG16").builder().inputShape(shape(3, 32, 32)).includeTop(False).build(), (2, 3, 32, 32)),
    "vgg19_notop": (lambda j: j(ZOO + "VGG19").builder().inputShape(shape(3, 32, 32)).includeTop(False).build(), (1, 3, 32, 32)),
    "efficientnet-lite0": (lambda j: j(ZOO + "EfficientNetLite").builder(0).resolution(64).build(), (2, 3, 64, 64)),
    "efficientnet-lite2": (lambda j: j(ZOO + "EfficientNetLite").builder(2).resolution(50).numClasses(7).build(), (1, 3, 50, 50)),
    "resnet50": (lambda j: j(ZOO + "ResNet50").builder().inputShape(shape(3, 32, 32)).numClasses(10).build(), (2, 3, 32, 32)),
    "resnet50_notop": (lambda j: j(ZOO + "ResNet50").builder().inputShape(shape(3, 48, 40)).includeTop(False).build(), (2, 3, 48, 40)),
    "mobilenetv2": (lambda j: j(ZOO + "MobileNetV2").builder().inputShape(shape(3, 72, 70)).numClasses(7).build(), (2, 3, 72, 70)),
    "mobilenetv2_notop": (lambda j: j(ZOO + "MobileNetV2").builder().inputShape(shape(3, 65, 64)).includeTop(False).build(), (1, 3, 65, 64)),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_zoo_model_exports_and_agrees_with_onnxruntime(jvm, tmp_path, name):
    build, in_shape = MODELS[name]
    net = randomize_batch_norm(build(jvm.java_class).init(), seed=len(name))
    path = tmp_path / f"{name}.onnx"
    export(net, path)
    x = np.random.default_rng(1).uniform(-2, 2, in_shape).astype(np.float32)
    ours = run_engine(net, x)
    theirs = run_ort(path, x)
    assert ours.shape == theirs.shape
    assert relative_error(ours, theirs) < TOLERANCE
    if "vgg" not in name:   # the VGG round trip adds only file size: the same layer kinds are re-imported elsewhere
        again = import_graph(path)
        assert relative_error(run_engine(again, x), theirs) < TOLERANCE


def test_exported_names_and_batch_are_dynamic(jvm, tmp_path):
    net = jvm.java_class(ZOO + "MobileNetV2").builder().inputShape(shape(3, 64, 64)).includeTop(False).build().init()
    path = tmp_path / "m.onnx"
    export(net, path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    assert model.opset_import[0].version == 17
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
    assert [i.name for i in model.graph.input] == ["input_1"]
    assert [o.name for o in model.graph.output] == ["global_average_pooling2d"]
    x = np.random.default_rng(2).standard_normal((5, 3, 64, 64)).astype(np.float32)
    assert run_ort(path, x).shape == (5, 1280)
    imported = import_graph(path)
    names = {str(v) for v in imported.getConfiguration().getVertices().keySet()}
    assert {"Conv1", "bn_Conv1", "block_1_pad", "block_1_depthwise", "block_16_project_BN", "global_average_pooling2d"} <= names


def test_multilayer_network_with_flat_image_input_exports(jvm, tmp_path):
    """A MultiLayerNetwork on flat image rows (convolutionalFlat: a FeedForwardToCnn reshape) agrees with onnxruntime."""
    j = jvm.java_class
    act = j("org.pydl4j.nd.activations.Activation")
    layers = "org.pydl4j.nn.conf.layers."
    conf = j("org.pydl4j.nn.conf.NeuralNetConfiguration").Builder().seed(2).list() \
        .layer(j(layers + "ConvolutionLayer").Builder(jpype.JArray(jpype.JInt)([3, 3])).nOut(3).activation(act.RELU).build()) \
        .layer(j(layers + "SubsamplingLayer").Builder(j(layers + "SubsamplingLayer").PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build()) \
        .layer(j(layers + "OutputLayer").Builder(j("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction.MCXENT)
               .nOut(4).activation(act.SOFTMAX).build()) \
        .setInputType(j("org.pydl4j.nn.conf.inputs.InputType").convolutionalFlat(8, 8, 1)).build()
    net = j("org.pydl4j.nn.multilayer.MultiLayerNetwork")(conf)
    net.init()
    path = tmp_path / "mln.onnx"
    j("org.pydl4j.onnx.OnnxExporter").export(net, j("java.nio.file.Paths").get(str(path)))
    x = np.random.default_rng(5).standard_normal((3, 64)).astype(np.float32)
    ours = jvm.to_numpy(net.output(jvm.to_indarray(x)), copy=True)
    assert relative_error(ours, run_ort(path, x)) < TOLERANCE
