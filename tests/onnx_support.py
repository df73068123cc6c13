"""Helpers for the ONNX tests: run a model in onnxruntime and in the engine, compare outputs."""

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from pydl4j_transfer import jvm

TOLERANCE = 1e-4


def relative_error(ours, theirs):
    """Largest absolute difference relative to the reference's largest magnitude."""
    return float(np.abs(ours - theirs).max() / max(np.abs(theirs).max(), 1e-12))


def run_ort(path, x):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def run_engine(net, x):
    return jvm.to_numpy(net.outputSingle(jvm.to_indarray(x)), copy=True)


def export(net, path):
    jvm.java_class("org.pydl4j.onnx.OnnxExporter").export(net, jvm.java_class("java.nio.file.Paths").get(str(path)))


def import_graph(path):
    return jvm.java_class("org.pydl4j.onnx.OnnxImporter").importGraph(jvm.java_class("java.io.File")(str(path)))


def init(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def int_init(name, values):
    return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)


def model(nodes, initializers, in_shape, out_shape, opset=17, input_name="x", output_name="y", check=True):
    graph = helper.make_graph(
        nodes, "test", [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", *in_shape])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["N", *out_shape])], initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m)
    return m
