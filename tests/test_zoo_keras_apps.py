"""ResNet50 and MobileNetV2 in the zoo: Keras layer names, Keras .h5 weights (generated here: nothing downloads)
imported by name into the cache and loaded by initPretrained, and the tables' canonical files and checksums."""

import numpy as np
import pytest

from pydl4j_transfer.engine import pretrained_graph
from pydl4j_transfer.import_weights import ImportWeightsError, import_weights
from pydl4j_transfer.weights import write_keras_h5

ZOO = "org.pydl4j.zoo."


def keras_layers(net):
    """The network's parameters in Keras' layouts and names (the inverse of the importer's mapping)."""
    from pydl4j_transfer import jvm

    layers = {}
    for key, value in net.paramTable().items():
        vertex, param = str(key).rsplit("_", 1)
        a = jvm.to_numpy(value, copy=True)
        conf = net.getLayer(vertex).layerConf()
        kind = str(conf.getClass().getSimpleName())
        group = layers.setdefault(vertex, {})
        if param == "W" and kind == "DepthwiseConvolution2D":
            c = int(conf.getNIn())
            group["depthwise_kernel"] = a.reshape(c, a.shape[0] // c, *a.shape[2:]).transpose(2, 3, 0, 1)
        elif param == "W":
            group["kernel"] = a.transpose(2, 3, 1, 0) if a.ndim == 4 else a
        else:
            group[{"b": "bias", "gamma": "gamma", "beta": "beta", "mean": "moving_mean", "var": "moving_variance"}[param]] = a.reshape(-1)
    return layers


@pytest.mark.parametrize("model,builder", [("resnet50_notop", "ResNet50"), ("mobilenetv2", "MobileNetV2")])
def test_generated_keras_h5_imports_by_name_and_loads(jvm, tmp_path, model, builder):
    import jpype

    cls = jvm.java_class(ZOO + "model." + builder)
    b = cls.builder().seed(5)
    if model.endswith("_notop"):
        b = b.includeTop(False)
    source = b.inputShape(jpype.JArray(jpype.JInt)([3, 32, 32])).build().init()
    rng = np.random.default_rng(0)
    for value in source.paramTable().values():   # distinct values everywhere, batch-norm statistics included
        jvm.to_numpy(value)[...] = rng.uniform(0.5, 1.5, tuple(value.shape()))
    layers = keras_layers(source)
    if model.startswith("resnet50"):   # Keras' ResNet weights are BGR: the importer flips them back
        layers["conv1_conv"]["kernel"] = layers["conv1_conv"]["kernel"][:, :, ::-1, :]
    h5 = tmp_path / f"{model}.h5"
    write_keras_h5(h5, {"input_1": {}, **layers})
    import_weights(model, h5, cache_dir=tmp_path / "models")
    graph, checksum = pretrained_graph(model, models_dir=tmp_path / "models")
    assert checksum.startswith(f"{model}_imagenet.safetensors:sha256:")
    expected = {str(k): jvm.to_numpy(v, copy=True) for k, v in source.paramTable().items()}
    got = {str(k): jvm.to_numpy(v, copy=True) for k, v in graph.paramTable().items()}
    assert expected.keys() == got.keys()
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


def test_top_and_notop_files_are_not_mixed_up(jvm, tmp_path):
    net = jvm.java_class(ZOO + "model.MobileNetV2").builder().includeTop(False).build().init()
    h5 = tmp_path / "notop.h5"
    write_keras_h5(h5, keras_layers(net))
    with pytest.raises(Exception, match="import it as `mobilenetv2_notop`"):
        import_weights("mobilenetv2", h5, cache_dir=tmp_path)


def test_tables_name_keras_files_and_checksums(jvm):
    imagenet = jvm.java_class(ZOO + "PretrainedType").IMAGENET
    zoo = jvm.java_class(ZOO + "Zoo")
    resnet = zoo.model("resnet50", 1000)
    assert str(resnet.pretrainedUrl(imagenet)) == ("https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
                                                   "resnet50_weights_tf_dim_ordering_tf_kernels.h5")
    md5 = [str(s.checksum.expected) for s in resnet.spec().weights(imagenet) if s.checksum is not None]
    assert md5 == ["2cb95161c43110f7111970584f804107"]
    notop = zoo.model("resnet50_notop", 1000).spec()
    assert [str(s.checksum.expected) for s in notop.weights(imagenet) if s.checksum is not None] == ["4d473c1dd8becc155b73f8504c6f6626"]
    assert str(notop.featureVertex) == "avg_pool"
    mobile = zoo.model("mobilenetv2", 1000)
    assert str(mobile.pretrainedUrl(imagenet)).endswith("mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5")
    assert list(mobile.spec().mean) == [127.5] * 3 and str(mobile.spec().featureVertex) == "global_average_pooling2d"


def test_missing_h5_is_a_clear_error(tmp_path):
    with pytest.raises(ImportWeightsError, match="does not exist"):
        import_weights("resnet50", tmp_path / "nope.h5", cache_dir=tmp_path)
