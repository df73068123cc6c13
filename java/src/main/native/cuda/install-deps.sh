#!/usr/bin/env bash
# Installs the cuDNN and cuBLAS headers and shared libraries that libpydl4j_cuda.so compiles and links against,
# from NVIDIA's PyPI wheels, into TARGET_DIR (default build/cuda-deps):
#   TARGET_DIR/nvidia/cudnn/{include,lib}   cudnn*.h, libcudnn*.so.9
#   TARGET_DIR/nvidia/cu13/{include,lib}    cublas*.h, libcublas.so.13, libcublasLt.so.13
# Idempotent: does nothing when both versions are already there. Without nvcc (no CUDA toolkit) it only prints a
# notice and exits 0, because the cuda backend cannot be built anyway.
# Measured on the dev machine: ~960 MB downloaded (cuDNN 517 MB + cuBLAS ~450 MB), ~1.5 GB unpacked.
set -euo pipefail

CUDNN_VERSION=9.28.1.4
CUBLAS_VERSION=13.0.2.14   # the cuBLAS of the CUDA 13.0 toolkit this is built with (nvcc 13.0)
TARGET=${1:-build/cuda-deps}
STAMP="$TARGET/.installed-cudnn-$CUDNN_VERSION-cublas-$CUBLAS_VERSION"

NVCC=${NVCC:-$(command -v nvcc || true)}
if [ -z "$NVCC" ]; then
    echo "install-deps.sh: nvcc not found, skipping cuDNN/cuBLAS download (the cuda backend is not built here)"
    exit 0
fi
if [ -f "$STAMP" ]; then
    echo "install-deps.sh: cuDNN $CUDNN_VERSION and cuBLAS $CUBLAS_VERSION already in $TARGET"
    exit 0
fi

PYTHON=${PYTHON:-python3}
start=$(date +%s)
mkdir -p "$TARGET"
tmp=$(mktemp -d "$TARGET/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# --no-deps: cuBLAS declares nvidia-cuda-nvrtc, which only cuBLASLt/cuDNN runtime-compiled (fusion) kernels use;
# plain FP32 convolution, pooling, batch norm and gemm do not.
"$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_27_x86_64 \
    --python-version 3 --dest "$tmp" \
    "nvidia-cudnn-cu13==$CUDNN_VERSION" "nvidia-cublas==$CUBLAS_VERSION"
download_bytes=$(du -cb "$tmp"/*.whl | tail -1 | cut -f1)
# A wheel is a zip: unpack the nvidia/ tree only (headers and libraries), not the dist-info metadata.
for whl in "$tmp"/*.whl; do
    "$PYTHON" - "$whl" "$TARGET" <<'PY'
import sys, zipfile
whl, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        if info.filename.startswith("nvidia/") and not info.is_dir():
            z.extract(info, target)
PY
done
# The wheels ship versioned names only; the unversioned links let `-lcudnn -lcublas` and tools find them.
ln -sf libcudnn.so.9 "$TARGET/nvidia/cudnn/lib/libcudnn.so"
ln -sf libcublas.so.13 "$TARGET/nvidia/cu13/lib/libcublas.so"
ln -sf libcublasLt.so.13 "$TARGET/nvidia/cu13/lib/libcublasLt.so"
touch "$STAMP"
end=$(date +%s)
installed_bytes=$(du -sb "$TARGET/nvidia" | cut -f1)
echo "install-deps.sh: cuDNN $CUDNN_VERSION + cuBLAS $CUBLAS_VERSION into $TARGET in $((end - start)) s:" \
     "$((download_bytes / 1000000)) MB downloaded, $((installed_bytes / 1000000)) MB installed"
