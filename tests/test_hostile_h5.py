"""Issue 13 item 2: a Keras .h5 is hostile. HDF5 can keep a dataset's bytes in any file of the machine (external
storage, virtual datasets, external links): none is followed -- a private file's bytes never reach the 0644 weight
cache, a FIFO never hangs the reader. Each dataset's declared dtype, shape and size are checked before it is read:
a declared 3 GiB dataset costs nothing."""

import os
import subprocess
import sys
import textwrap
import time
import tracemalloc

import h5py
import numpy as np
import pytest

from pydl4j_transfer.import_weights import converted_path, import_weights
from pydl4j_transfer.weights import WeightFormatError, read_keras_h5, vgg16_keras_shapes

KERNEL = (3, 3, 3, 64)


def _keras_file(path, make_kernel):
    """A Keras-layout file with one layer, block1_conv1, whose kernel dataset ``make_kernel(group, name)`` creates."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"block1_conv1"])
        group = f.create_group("block1_conv1")
        group.attrs["weight_names"] = np.array([b"block1_conv1/kernel:0", b"block1_conv1/bias:0"])
        inner = group.create_group("block1_conv1")
        make_kernel(inner, "kernel:0")
        inner.create_dataset("bias:0", data=np.zeros(64, np.float32))
    return path


def _secret(tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.full(int(np.prod(KERNEL)), 7.0, np.float32).tobytes())
    secret.chmod(0o600)
    return secret


def test_external_storage_is_refused_and_its_bytes_never_reach_the_cache(tmp_path):
    secret = _secret(tmp_path)
    path = _keras_file(tmp_path / "external.h5", lambda g, n: g.create_dataset(
        n, shape=KERNEL, dtype="<f4", external=[(str(secret), 0, secret.stat().st_size)]))
    with h5py.File(path, "r") as f:   # h5py itself would follow it
        assert float(f["block1_conv1/block1_conv1/kernel:0"][0, 0, 0, 0]) == 7.0
    with pytest.raises(WeightFormatError, match="external.h5: weight block1_conv1/block1_conv1/kernel:0 keeps its "
                                                "data in external files"):
        read_keras_h5(path)
    cache = tmp_path / "cache"
    with pytest.raises(WeightFormatError, match="external storage"):
        import_weights("vgg16_notop", path, cache_dir=cache)
    assert not converted_path("vgg16_notop", cache).exists() and not list(cache.glob("*"))


def _refused_in_a_subprocess(path) -> str:
    """Read ``path`` in a child with a timeout (a reader blocked on a FIFO would hang the suite); the refusal."""
    code = textwrap.dedent(f"""
        from pydl4j_transfer.weights import WeightFormatError, read_keras_h5
        try:
            read_keras_h5({str(path)!r})
        except WeightFormatError as e:
            print("refused:", e)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("refused:"), (proc.stdout, proc.stderr[-2000:])
    return proc.stdout


def test_external_storage_on_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    path = _keras_file(tmp_path / "fifo.h5", lambda g, n: g.create_dataset(
        n, shape=KERNEL, dtype="<f4", external=[(str(fifo), 0, int(np.prod(KERNEL)) * 4)]))
    assert "external files" in _refused_in_a_subprocess(path)


def test_an_external_link_to_a_fifo_does_not_hang(tmp_path):
    """Checking for a name with ``in`` would open the linked file: the links are inspected without following them."""
    fifo = tmp_path / "fifo.h5"
    os.mkfifo(fifo)
    path = tmp_path / "fifo_link.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"block1_conv1"])
        f["model_weights"] = h5py.ExternalLink(str(fifo), "/")
    assert "group 'model_weights' is an external link" in _refused_in_a_subprocess(path)


def test_virtual_datasets_are_refused(tmp_path):
    source = tmp_path / "source.h5"
    with h5py.File(source, "w") as f:
        f.create_dataset("data", data=np.ones(KERNEL, np.float32))

    def virtual(group, name):
        layout = h5py.VirtualLayout(shape=KERNEL, dtype="<f4")
        layout[...] = h5py.VirtualSource(str(source), "data", shape=KERNEL)
        group.create_virtual_dataset(name, layout)

    path = _keras_file(tmp_path / "virtual.h5", virtual)
    with pytest.raises(WeightFormatError, match="virtual.h5: .*is a virtual dataset"):
        read_keras_h5(path)


@pytest.mark.parametrize("link, kind", [
    (lambda source: h5py.ExternalLink(str(source), "/data"), "an external link to another file"),
    (lambda source: h5py.SoftLink("/elsewhere/data"), "a soft link"),
])
def test_links_are_refused_before_they_are_followed(tmp_path, link, kind):
    source = tmp_path / "source.h5"
    with h5py.File(source, "w") as f:
        f.create_dataset("data", data=np.ones(KERNEL, np.float32))

    def linked(group, name):
        group.file.create_dataset("elsewhere/data", data=np.ones(KERNEL, np.float32))
        group[name] = link(source)

    path = _keras_file(tmp_path / "linked.h5", linked)
    with pytest.raises(WeightFormatError, match=f"linked.h5: weight .*kernel:0 is {kind}"):
        read_keras_h5(path)


def _bounded(call):
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(WeightFormatError) as info:
        call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(info.value), peak, time.perf_counter() - start


def test_a_declared_3_gib_dataset_is_refused_before_it_is_read(tmp_path):
    huge = (3 << 30) // 4
    path = _keras_file(tmp_path / "huge.h5", lambda g, n: g.create_dataset(n, shape=(huge,), dtype="<f4",
                                                                           chunks=(1 << 20,)))
    assert path.stat().st_size < 1 << 20        # nothing written: HDF5 would hand out 3 GiB of fill values
    message, peak, seconds = _bounded(lambda: read_keras_h5(path, vgg16_keras_shapes(include_top=False)))
    assert f"has shape ({huge},), the architecture needs (3, 3, 3, 64)" in message
    assert peak < 16 << 20 and seconds < 5
    message, peak, seconds = _bounded(lambda: read_keras_h5(path))    # no table: the size budget stops it
    assert "above the limit of 1073741824" in message and peak < 16 << 20 and seconds < 5


def test_non_float_datasets_are_refused(tmp_path):
    path = _keras_file(tmp_path / "ints.h5", lambda g, n: g.create_dataset(n, data=np.ones(KERNEL, np.int32)))
    with pytest.raises(WeightFormatError, match="ints.h5: .*has dtype int32, not a float"):
        read_keras_h5(path)
