// Inference programs: a small DAG of convolutions (bias and activation fused as post-ops), poolings, additions
// and activations compiled once for fixed shapes and run many times. Unlike the single ops, intermediate values
// stay in the layouts oneDNN's kernels choose (channels-last / blocked) from one op to the next: only the
// program's inputs are reordered from plain NCHW (where a kernel wants another layout) and its outputs back to
// NCHW. Intermediate buffers are assigned by liveness when the program is built and kept for later runs, so a run
// allocates nothing. Spec layout: see CpuProgram.java.
#include "common.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <unordered_set>
#include <vector>

namespace pydl4j {
namespace {

using namespace dnnl;

enum Op { OP_CONV = 0, OP_POOL = 1, OP_ADD = 2, OP_ACT = 3 };
constexpr int kNodeInts = 5 + kGeometryLength;  // op, in0, in1, act, flag (bias / max), geometry

memory::desc any_md(const memory::dims& d) { return memory::desc(d, dt::f32, tag::any); }
memory::desc nchw_md(const memory::dims& d) { return memory::desc(d, dt::f32, tag::nchw); }
int64_t dims_elements(const memory::dims& d) { return elements({d[0], d[1], d[2], d[3]}, "program value shape"); }

struct Buffer {
    void* data = nullptr;
    size_t bytes = 0;
};

struct Value {
    memory::dims dims;
    memory::desc md;      // the layout this value is held in
    int buffer = -1;      // program buffer; -1: caller's memory (a program input)
    int last_use = -1;    // index of the last node reading it
    int output = -1;      // index among the program outputs, or -1
};

// A convolution's weights as the caller gives them (plain OIHW / GOIHW) and as its primitive reads them.
struct WeightSlot {
    memory::desc user_md, md;
    std::optional<reorder> transform;  // empty: the primitive reads the caller's memory
    int buffer = -1;                   // holds the transform
    bool valid = false;                // buffer holds the transform of weights with hash `hash`
    uint64_t hash = 0;
    const float* source = nullptr;     // the weights address of the last run
};

struct Node {
    int op = 0, in0 = -1, in1 = -1, act = ACT_IDENTITY, flag = 0;
    Geometry g{};
    primitive prim;
    std::optional<primitive> then_prim;  // activation: its second step, in place (EltwiseAlg::then_alg)
    // convolution: input reorder (when the kernel wants another layout) and weights
    std::optional<reorder> src_reorder;
    memory::desc src_md;  // what the primitive reads
    int src_buffer = -1;  // holds the reordered input
    WeightSlot wei;
    memory::desc bias_md;
    memory::dim images = 0;               // images per execution (the whole batch unless sliced)
    memory::desc chunk_src_md, chunk_dst_md;  // the primitive's view of one slice
    // depthwise fusion: this 1x1 convolution also computes node `fused_dw` (oneDNN's depthwise post-op), whose
    // node is then `absorbed` (runs nothing; its value is this primitive's output)
    int fused_dw = -1;
    memory::desc dw_bias_md;
    bool absorbed = false;
    std::string impl;  // the oneDNN implementation (describe())
};

// Best-fit assignment of values to reusable buffers, by liveness, done once when a program is built.
class BufferPlan {
public:
    int take(size_t bytes) {
        int best = -1;
        for (int i : free_) {
            if (sizes_[i] >= bytes && (best < 0 || sizes_[i] < sizes_[best])) best = i;
        }
        if (best < 0) {  // grow the largest free buffer rather than adding one
            for (int i : free_) if (best < 0 || sizes_[i] > sizes_[best]) best = i;
        }
        if (best < 0) {
            sizes_.push_back(bytes);
            return static_cast<int>(sizes_.size()) - 1;
        }
        free_.erase(std::find(free_.begin(), free_.end(), best));
        sizes_[best] = std::max(sizes_[best], bytes);
        return best;
    }
    void give(int b) { if (b >= 0) free_.push_back(b); }
    int permanent(size_t bytes) {  // never reused (weights)
        sizes_.push_back(bytes);
        return static_cast<int>(sizes_.size()) - 1;
    }
    const std::vector<size_t>& sizes() const { return sizes_; }

private:
    std::vector<size_t> sizes_;
    std::vector<int> free_;
};

algorithm post_op_alg(const EltwiseAlg& a) {
    if (a.alg == algorithm::eltwise_logistic_use_dst_for_bwd) return algorithm::eltwise_logistic;
    if (a.alg == algorithm::eltwise_tanh_use_dst_for_bwd) return algorithm::eltwise_tanh;
    return a.alg;
}

memory::dims weight_dims(const Geometry& g) {
    if (g.groups == 1) return {g.o, g.c, g.kh, g.kw};
    return {g.groups, g.o / g.groups, g.c / g.groups, g.kh, g.kw};
}

// Convolution algorithm. Default: Winograd F(4x4, 3x3) for dense 3x3 stride-1 convolutions where oneDNN has a
// kernel for it (avx512), which needs about half the multiplications of direct convolution on VGG-style layers
// (results agree within float rounding; CpuParityTest), direct elsewhere. PYDL4J_CONV_ALGO=direct turns it off.
bool winograd_allowed() {
    const char* e = std::getenv("PYDL4J_CONV_ALGO");
    return e == nullptr || std::string(e) != "direct";
}

bool winograd_shape(const Geometry& g) {
    return g.groups == 1 && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
}

// A 64-bit content hash of the weights (four interleaved multiply-rotate lanes per chunk, chunks in parallel),
// so that unchanged weights skip their per-run transform. Any changed bit changes the hash except with
// probability about 2^-64. Weights of one chunk are hashed on the calling thread: waking the OpenMP team for them
// cost more than the hash (batch-1 latency).
uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t content_hash(const void* data, size_t bytes) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    const size_t chunk = 1 << 20;
    const size_t chunks = (bytes + chunk - 1) / chunk;
    std::vector<uint64_t> part(chunks);
#pragma omp parallel for schedule(static) if (chunks > 1)
    for (long c = 0; c < static_cast<long>(chunks); c++) {
        size_t begin = c * chunk, end = std::min(bytes, begin + chunk);
        uint64_t h[4] = {0x9E3779B97F4A7C15ULL ^ c, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL, 0x27D4EB2F165667C5ULL};
        size_t i = begin;
        for (; i + 32 <= end; i += 32) {
            for (int l = 0; l < 4; l++) {
                uint64_t w;
                std::memcpy(&w, p + i + 8 * l, 8);
                h[l] = (h[l] ^ (w * 0x9E3779B97F4A7C15ULL));
                h[l] = ((h[l] << 31) | (h[l] >> 33)) * 0xBF58476D1CE4E5B9ULL;
            }
        }
        uint64_t tail = 0;
        for (size_t k = 0; i < end; i++, k++) tail ^= static_cast<uint64_t>(p[i]) << (8 * (k % 8)) ^ (k << 56);
        part[c] = mix(h[0] ^ mix(h[1] + 1) ^ mix(h[2] + 2) ^ mix(h[3] + 3) ^ mix(tail + end - begin));
    }
    uint64_t h = mix(bytes);
    for (uint64_t x : part) h = mix(h ^ x);
    return h;
}

// src_md: the input's layout when the kernel must read it as it is, else any (the kernel's choice).
convolution_forward::primitive_desc conv_pd_with(algorithm alg, const Geometry& g, bool bias, const memory::desc& bias_md,
                                                 const primitive_attr& attr, const memory::desc& src_md = {}) {
    const memory::desc src = src_md.is_zero() ? any_md(g.src_dims()) : src_md;
    auto d = bias
        ? convolution_forward::desc(prop_kind::forward_inference, alg, src, any_md(weight_dims(g)),
              bias_md, any_md(g.dst_dims()), g.strides(), g.dilation(), g.padding_l(), g.padding_r())
        : convolution_forward::desc(prop_kind::forward_inference, alg, src, any_md(weight_dims(g)),
              any_md(g.dst_dims()), g.strides(), g.dilation(), g.padding_l(), g.padding_r());
    return convolution_forward::primitive_desc(d, attr, cpu_engine());
}

// Depthwise fusion: a 1x1 convolution followed by a depthwise one runs as one oneDNN primitive (the depthwise
// post-op), which computes the expanded tensor tile by tile in cache instead of writing it out and reading it back.
// It pays where the expanded plane is large: EfficientNet-Lite0's blocks at 8 images (the inference slices' size)
// on 2 cores: 112x112 1.7x, 56x56 1.2x faster, 28x28 7% slower, 14x14 even. Whole network, batch 64, three
// interleaved rounds: 194-204 img/s without fusion, 200-208 fusing from 14x14 up, 208-209 from 56x56 up
// (benchmarks/README.md). PYDL4J_DW_FUSION=0 turns it off.
constexpr memory::dim kDwFusionMinPlane = 56 * 56;

bool dw_fusion_allowed() {
    const char* e = std::getenv("PYDL4J_DW_FUSION");
    return e == nullptr || std::string(e) != "0";
}

bool pointwise(const Geometry& g) {
    return g.groups == 1 && g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.pt == 0
        && g.pl == 0 && g.pb == 0 && g.pr == 0;
}

// A square depthwise kernel with oneDNN's post-op geometry: the same padding before on both axes (symmetric, or
// TensorFlow's "same" with stride 2: none before, one after), output ceil(input / stride). The post-op derives its
// padding after from those; any extra padding after that our geometry has is never read (same inputs per output).
bool fusable_depthwise(const Geometry& d) {
    if (d.groups != d.c || d.o != d.c || d.kh != d.kw || d.sh != d.sw || d.dh != 1 || d.dw != 1) return false;
    return d.pt == d.pl && d.pt < d.kh && d.oh == (d.h + d.sh - 1) / d.sh && d.ow == (d.w + d.sw - 1) / d.sw;
}

// A layout where each image is one dense block, images one after another (N outermost, not blocked): a run of
// images is then a contiguous slice, and the same layout describes any number of images.
bool images_contiguous(const memory::desc& md, memory::dim n) {
    const dnnl_memory_desc_t& d = md.data;
    if (d.format_kind != dnnl_blocked || d.offset0 != 0) return false;
    for (int i = 0; i < d.format_desc.blocking.inner_nblks; i++) if (d.format_desc.blocking.inner_idxs[i] == 0) return false;
    return static_cast<size_t>(d.format_desc.blocking.strides[0]) * n * sizeof(float) == md.get_size();
}

// The same layout for n images.
memory::desc with_images(const memory::desc& md, memory::dim n) {
    dnnl_memory_desc_t d = md.data;
    d.dims[0] = n;
    d.padded_dims[0] = n;
    return memory::desc(d);
}

// Winograd keeps the transformed input and output of a whole batch in its scratchpad: several hundred MB for
// VGG's middle blocks at batch 16. Such convolutions run on slices of the batch, the largest slice whose
// scratchpad stays within PYDL4J_WINO_SCRATCH_MB (default 64).
size_t winograd_scratch_cap() {
    const char* e = std::getenv("PYDL4J_WINO_SCRATCH_MB");
    long mb = e == nullptr ? 64 : std::atol(e);
    return static_cast<size_t>(mb < 1 ? 1 : mb) << 20;
}

struct ConvChoice {
    convolution_forward::primitive_desc pd;
    memory::dim images;  // per execution; < g.n: the primitive runs on slices of the batch
};

ConvChoice conv_pd(const Geometry& g, bool bias, const memory::desc& bias_md, const primitive_attr& attr) {
    if (winograd_allowed() && winograd_shape(g)) {
        size_t cap = winograd_scratch_cap();
        for (memory::dim c = g.n; c >= 1; c--) {
            if (g.n % c != 0) continue;
            Geometry gc = g;
            gc.n = c;
            try {
                auto pd = conv_pd_with(algorithm::convolution_winograd, gc, bias, bias_md, attr);
                if (pd.scratchpad_desc().get_size() > cap) continue;
                if (c == g.n || (images_contiguous(pd.src_desc(), c) && images_contiguous(pd.dst_desc(), c))) return {pd, c};
            } catch (const dnnl::error&) {
                break;  // no Winograd kernel on this machine or for this shape: direct
            }
        }
    }
    return {conv_pd_with(algorithm::convolution_direct, g, bias, bias_md, attr), g.n};
}

class Program {
public:
    Program(const std::vector<int>& spec) {
        size_t p = 0;
        auto next = [&]() {
            if (p >= spec.size()) throw std::invalid_argument("program spec is truncated");
            return spec[p++];
        };
        int inputs = next(), nodes = next(), outputs = next();
        if (inputs < 1 || nodes < 1 || outputs < 1) throw std::invalid_argument("program needs inputs, nodes and outputs");
        num_inputs_ = inputs;
        for (int i = 0; i < inputs; i++) {
            Value v;
            v.dims = {next(), next(), next(), next()};
            v.md = nchw_md(v.dims);
            values_.push_back(v);
        }
        nodes_.resize(nodes);
        for (int i = 0; i < nodes; i++) {
            Node& n = nodes_[i];
            n.op = next();
            n.in0 = next();
            n.in1 = next();
            n.act = next();
            n.flag = next();
            int geo[kGeometryLength];
            for (int k = 0; k < kGeometryLength; k++) geo[k] = next();
            n.g.assign(geo);
            int produced = inputs + i;
            auto check_in = [&](int v) {
                if (v < 0 || v >= produced) throw std::invalid_argument("node " + std::to_string(i) + " reads value " + std::to_string(v) + " before it exists");
            };
            check_in(n.in0);
            if (n.op == OP_ADD) check_in(n.in1);
            if (n.op == OP_CONV) n.g.weight_elements();  // refuses groups that do not divide the channels
            Value out;
            out.dims = (n.op == OP_CONV || n.op == OP_POOL) ? n.g.dst_dims() : values_[n.in0].dims;
            values_.push_back(out);
        }
        for (int i = 0; i < outputs; i++) {
            int v = next();
            if (v < inputs || v >= static_cast<int>(values_.size())) throw std::invalid_argument("program output is not a node's value");
            if (values_[v].output >= 0) throw std::invalid_argument("program output listed twice");
            values_[v].output = i;
            output_values_.push_back(v);
        }
        build();
    }

    ~Program() {
        for (Buffer& b : buffers_) std::free(b.data);
    }

    const memory::dims& output_dims(int i) const { return values_[output_values_[i]].dims; }
    const memory::dims& input_dims(int i) const { return values_[i].dims; }
    // Floats the caller's buffers must hold (programRun checks each buffer's capacity against them).
    std::vector<int64_t> input_floats() const {
        std::vector<int64_t> out;
        for (int i = 0; i < num_inputs_; i++) out.push_back(dims_elements(values_[i].dims));
        return out;
    }
    std::vector<int64_t> weight_floats() const {  // 0 for nodes without weights
        std::vector<int64_t> out;
        for (const Node& n : nodes_) out.push_back(n.op == OP_CONV ? static_cast<int64_t>(n.wei.user_md.get_size() / sizeof(float)) : 0);
        return out;
    }
    std::vector<int64_t> bias_floats() const {
        std::vector<int64_t> out;
        for (const Node& n : nodes_) out.push_back(n.op == OP_CONV && n.flag ? n.g.o : 0);
        return out;
    }
    std::vector<int64_t> output_floats() const {
        std::vector<int64_t> out;
        for (int v : output_values_) out.push_back(dims_elements(values_[v].dims));
        return out;
    }
    // One line per node: its op and oneDNN implementation; a depthwise convolution fused into the 1x1 before it says so.
    std::string describe() const {
        static const char* names[] = {"conv", "pool", "add", "activation"};
        std::string out;
        for (size_t i = 0; i < nodes_.size(); i++) {
            const Node& n = nodes_[i];
            out += std::to_string(i) + " " + names[n.op] + " ";
            out += n.absorbed ? "fused into node " + std::to_string(i - 1) : n.impl;
            out += "\n";
        }
        return out;
    }
    size_t buffer_bytes() const {
        size_t s = 0;
        for (const Buffer& b : buffers_) s += b.bytes;
        return s;
    }

    // inputs[i]: plain NCHW; weights/biases[node]: plain OIHW / [O] (conv nodes; bias may be null);
    // outputs[i]: plain NCHW. unchanged[node]: the caller vouches that weights[node] is the memory of the previous
    // run, not written since (the engine's write counts): its transformed copy is reused without hashing, which at
    // batch 1 cost as much as the convolutions. Otherwise the content hash decides.
    void run(const std::vector<float*>& inputs, const std::vector<float*>& weights, const std::vector<float*>& biases,
             const std::vector<float*>& outputs, const std::vector<bool>& unchanged) {
        stream& s = cpu_stream();
        auto mem = [&](int v) {
            const Value& val = values_[v];
            void* ptr = val.buffer < 0 ? static_cast<void*>(inputs[v]) : buffers_[val.buffer].data;
            return memory(val.md, cpu_engine(), ptr);
        };
        memory sp(memory::desc({static_cast<memory::dim>(buffers_[scratch_buffer_].bytes)}, dt::u8, tag::x), cpu_engine(),
                  buffers_[scratch_buffer_].data);
        auto reorder_run = [&](reorder& r, const memory& from, const memory& to) {
            r.execute(s, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}, {DNNL_ARG_SCRATCHPAD, sp}});
        };
        // the memory a convolution reads weights from: the caller's, or their transform (redone only when changed)
        auto weights_memory = [&](WeightSlot& w, float* user, bool vouched_unchanged) {
            memory wei_user(w.user_md, cpu_engine(), user);
            if (!w.transform) return wei_user;
            memory wei(w.md, cpu_engine(), buffers_[w.buffer].data);
            const bool vouched = w.valid && user == w.source && vouched_unchanged;
            uint64_t h = vouched ? w.hash : content_hash(user, w.user_md.get_size());
            if (!w.valid || h != w.hash) {
                w.valid = false;
                reorder_run(*w.transform, wei_user, wei);
                s.wait();
                w.hash = h;
                w.valid = true;
            }
            w.source = user;
            return wei;
        };
        auto check_conv_arrays = [&](size_t i) {
            if (weights[i] == nullptr || (nodes_[i].flag && biases[i] == nullptr)) {
                throw std::invalid_argument("convolution node " + std::to_string(i) + " lacks its weights or bias");
            }
        };
        for (size_t i = 0; i < nodes_.size(); i++) {
            Node& n = nodes_[i];
            int out_v = num_inputs_ + static_cast<int>(i);
            memory dst = mem(n.fused_dw >= 0 ? num_inputs_ + n.fused_dw : out_v);
            switch (n.op) {
                case OP_CONV: {
                    if (n.absorbed) break;  // computed by the 1x1 convolution before it
                    check_conv_arrays(i);
                    memory src = mem(n.in0);
                    if (n.src_reorder) {
                        memory tmp(n.src_md, cpu_engine(), buffers_[n.src_buffer].data);
                        reorder_run(*n.src_reorder, src, tmp);
                        src = tmp;
                    }
                    memory wei = weights_memory(n.wei, weights[i], unchanged[i]);
                    std::unordered_map<int, memory> args{{DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_SCRATCHPAD, sp}};
                    if (n.flag) args.emplace(DNNL_ARG_BIAS, memory(n.bias_md, cpu_engine(), biases[i]));
                    if (n.fused_dw >= 0) {
                        const int j = n.fused_dw;
                        check_conv_arrays(j);
                        args.emplace(DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS, weights_memory(nodes_[j].wei, weights[j], unchanged[j]));
                        args.emplace(DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS, memory(n.dw_bias_md, cpu_engine(), biases[j]));
                    }
                    if (n.images == n.g.n) {
                        args[DNNL_ARG_SRC] = src;
                        args[DNNL_ARG_DST] = dst;
                        n.prim.execute(s, args);
                    } else {
                        char* sp_base = static_cast<char*>(src.get_data_handle());
                        char* dp_base = static_cast<char*>(dst.get_data_handle());
                        size_t sstep = n.chunk_src_md.get_size(), dstep = n.chunk_dst_md.get_size();
                        for (memory::dim k = 0; k < n.g.n / n.images; k++) {
                            args[DNNL_ARG_SRC] = memory(n.chunk_src_md, cpu_engine(), sp_base + k * sstep);
                            args[DNNL_ARG_DST] = memory(n.chunk_dst_md, cpu_engine(), dp_base + k * dstep);
                            n.prim.execute(s, args);
                        }
                    }
                    break;
                }
                case OP_POOL:
                    n.prim.execute(s, {{DNNL_ARG_SRC, mem(n.in0)}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, sp}});
                    break;
                case OP_ADD:
                    n.prim.execute(s, {{DNNL_ARG_SRC_0, mem(n.in0)}, {DNNL_ARG_SRC_1, mem(n.in1)}, {DNNL_ARG_DST, dst},
                                       {DNNL_ARG_SCRATCHPAD, sp}});
                    break;
                case OP_ACT:
                    n.prim.execute(s, {{DNNL_ARG_SRC, mem(n.in0)}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, sp}});
                    if (n.then_prim) n.then_prim->execute(s, {{DNNL_ARG_SRC, dst}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, sp}});
                    break;
                default:
                    throw std::invalid_argument("unknown program op " + std::to_string(n.op));
            }
            const Value& ov = values_[out_v];
            if (ov.output >= 0 && output_reorders_[ov.output]) {
                memory user(nchw_md(ov.dims), cpu_engine(), outputs[ov.output]);
                reorder_run(*output_reorders_[ov.output], dst, user);
            } else if (ov.output >= 0) {
                s.wait();
                std::memcpy(outputs[ov.output], dst.get_data_handle(), static_cast<size_t>(dims_elements(ov.dims)) * sizeof(float));
            }
        }
        s.wait();
    }

private:
    void build() {
        // liveness: the last node reading each value (an output is also "read" when it is produced)
        for (size_t i = 0; i < nodes_.size(); i++) {
            values_[nodes_[i].in0].last_use = static_cast<int>(i);
            if (nodes_[i].op == OP_ADD) values_[nodes_[i].in1].last_use = static_cast<int>(i);
        }
        for (size_t v = num_inputs_; v < values_.size(); v++) {
            int producer = static_cast<int>(v) - num_inputs_;
            if (values_[v].last_use < producer) values_[v].last_use = producer;
        }
        BufferPlan plan;
        output_reorders_.resize(output_values_.size());
        for (size_t i = 0; i < nodes_.size(); i++) {
            Node& n = nodes_[i];
            Value& out = values_[num_inputs_ + i];
            const Value& in0 = values_[n.in0];
            int temp = -1;
            switch (n.op) {
                case OP_CONV: {
                    if (n.absorbed) break;  // planned with the 1x1 convolution before it
                    const Geometry& g = n.g;
                    n.bias_md = memory::desc({g.o}, dt::f32, tag::x);
                    primitive_attr attr;
                    attr.set_scratchpad_mode(scratchpad_mode::user);
                    if (n.act != ACT_IDENTITY) {
                        EltwiseAlg a = eltwise_alg(n.act);
                        post_ops ops;
                        append_eltwise_post_ops(ops, a);
                        attr.set_post_ops(ops);
                    }
                    std::optional<ConvChoice> fused = fuse_depthwise(i);
                    ConvChoice choice = fused ? *fused : conv_pd(g, n.flag != 0, n.bias_md, attr);
                    convolution_forward::primitive_desc& pd = choice.pd;
                    n.images = choice.images;
                    n.prim = convolution_forward(pd);
                    n.impl = pd.impl_info_str();
                    scratch_bytes_ = std::max(scratch_bytes_, pd.scratchpad_desc().get_size());
                    if (std::getenv("PYDL4J_PROGRAM_VERBOSE") != nullptr) {
                        std::fprintf(stderr, "program conv %zu: %s x%ld images, scratchpad %.1f MB, weights %.1f MB, dst %.1f MB\n", i,
                                     pd.impl_info_str(), static_cast<long>(n.images), pd.scratchpad_desc().get_size() / 1048576.0,
                                     pd.weights_desc().get_size() / 1048576.0, pd.dst_desc().get_size() / 1048576.0);
                    }
                    n.src_md = with_images(pd.src_desc(), g.n);
                    n.chunk_src_md = pd.src_desc();
                    n.chunk_dst_md = pd.dst_desc();
                    if (n.src_md != in0.md) {
                        reorder::primitive_desc rpd(cpu_engine(), in0.md, cpu_engine(), n.src_md, user_scratchpad());
                        scratch_bytes_ = std::max(scratch_bytes_, rpd.scratchpad_desc().get_size());
                        n.src_reorder.emplace(rpd);
                        temp = n.src_buffer = plan.take(n.src_md.get_size());
                    }
                    plan_weights(n.wei, user_weight_md(g), pd.weights_desc(), plan);
                    if (fused) {   // the depthwise node's weights and output are this primitive's
                        Node& d = nodes_[n.fused_dw];
                        Value& dw_out = values_[num_inputs_ + n.fused_dw];
                        plan_weights(d.wei, user_weight_md(d.g), pd.query_md(query::exec_arg_md, DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS), plan);
                        dw_out.md = pd.dst_desc();
                        dw_out.buffer = plan.take(dw_out.md.get_size());
                    } else {
                        out.md = with_images(pd.dst_desc(), g.n);
                    }
                    break;
                }
                case OP_POOL: {
                    const Geometry& g = n.g;
                    pooling_v2_forward::desc d(prop_kind::forward_inference,
                                               n.flag ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding,
                                               in0.md, any_md(g.dst_dims()), g.strides(), g.kernel(), g.dilation(),
                                               g.padding_l(), g.padding_r());
                    pooling_v2_forward::primitive_desc pd(d, user_scratchpad(), cpu_engine());
                    n.prim = pooling_v2_forward(pd);
                    n.impl = pd.impl_info_str();
                    scratch_bytes_ = std::max(scratch_bytes_, pd.scratchpad_desc().get_size());
                    out.md = pd.dst_desc();
                    break;
                }
                case OP_ADD: {
                    const Value& in1 = values_[n.in1];
                    binary::desc d(algorithm::binary_add, in0.md, in1.md, any_md(in0.dims));
                    binary::primitive_desc pd(d, user_scratchpad(), cpu_engine());
                    n.prim = binary(pd);
                    n.impl = pd.impl_info_str();
                    scratch_bytes_ = std::max(scratch_bytes_, pd.scratchpad_desc().get_size());
                    out.md = pd.dst_desc();
                    break;
                }
                case OP_ACT: {
                    EltwiseAlg a = eltwise_alg(n.act);
                    eltwise_forward::desc d(prop_kind::forward_inference, post_op_alg(a), in0.md, a.alpha, a.beta);
                    eltwise_forward::primitive_desc pd(d, user_scratchpad(), cpu_engine());
                    n.prim = eltwise_forward(pd);
                    n.impl = pd.impl_info_str();
                    scratch_bytes_ = std::max(scratch_bytes_, pd.scratchpad_desc().get_size());
                    out.md = pd.dst_desc();
                    if (a.then_alg != algorithm::undef) {
                        eltwise_forward::desc d2(prop_kind::forward_inference, a.then_alg, out.md, a.then_alpha, a.then_beta);
                        eltwise_forward::primitive_desc pd2(d2, user_scratchpad(), cpu_engine());
                        n.then_prim = eltwise_forward(pd2);
                        scratch_bytes_ = std::max(scratch_bytes_, pd2.scratchpad_desc().get_size());
                    }
                    break;
                }
                default:
                    throw std::invalid_argument("unknown program op " + std::to_string(n.op));
            }
            // a fused 1x1 convolution's own value never exists (it is no output and only the absorbed node read it);
            // the absorbed node's value got its buffer with the fused primitive
            if (n.fused_dw < 0 && !n.absorbed) out.buffer = plan.take(out.md.get_size());
            // outputs go back to plain NCHW; where the layout already has NCHW's byte order (NCHW itself, or channels-
            // last with 1x1 planes: pooled features) a copy does, without a reorder's thread wake-ups
            const bool nchw_bytes = out.md == nchw_md(out.dims)
                || (out.dims[2] == 1 && out.dims[3] == 1 && out.md == memory::desc(out.dims, dt::f32, tag::nhwc));
            if (out.output >= 0 && !nchw_bytes) {
                reorder::primitive_desc rpd(cpu_engine(), out.md, cpu_engine(), nchw_md(out.dims), user_scratchpad());
                scratch_bytes_ = std::max(scratch_bytes_, rpd.scratchpad_desc().get_size());
                output_reorders_[out.output] = reorder(rpd);
            }
            // after node i: its temporary and every value read for the last time go back to the plan
            plan.give(temp);
            auto release = [&](int v) {
                if (v >= num_inputs_ && values_[v].last_use == static_cast<int>(i)) plan.give(values_[v].buffer);
            };
            release(n.in0);
            if (n.op == OP_ADD && n.in1 != n.in0) release(n.in1);
            if (out.last_use == static_cast<int>(i)) plan.give(out.buffer);
        }
        scratch_buffer_ = plan.permanent(std::max<size_t>(scratch_bytes_, 64));
        for (size_t b = 0; b < plan.sizes().size(); b++) {
            size_t bytes = (plan.sizes()[b] + 4095) / 4096 * 4096;
            Buffer buf;
            buf.data = std::aligned_alloc(4096, bytes == 0 ? 4096 : bytes);
            if (buf.data == nullptr) {
                for (Buffer& x : buffers_) std::free(x.data);
                buffers_.clear();
                throw std::bad_alloc();
            }
            buf.bytes = bytes;
            buffers_.push_back(buf);
        }
    }

    static memory::desc user_weight_md(const Geometry& g) {
        return memory::desc(weight_dims(g), dt::f32, g.groups == 1 ? tag::oihw : tag::goihw);
    }

    // Weights given as user_md and read by a primitive as md: a permanent buffer for the transform when they differ.
    void plan_weights(WeightSlot& w, const memory::desc& user_md, const memory::desc& md, BufferPlan& plan) {
        w.user_md = user_md;
        w.md = md;
        if (md == user_md) return;
        reorder::primitive_desc rpd(cpu_engine(), user_md, cpu_engine(), md, user_scratchpad());
        scratch_bytes_ = std::max(scratch_bytes_, rpd.scratchpad_desc().get_size());
        w.transform.emplace(rpd);
        w.buffer = plan.permanent(md.get_size());
    }

    // Node i (a 1x1 convolution) with the depthwise convolution right after it as oneDNN's depthwise post-op, when
    // that node reads only node i's value, the expanded plane is large enough to gain (kDwFusionMinPlane) and
    // oneDNN has the fused kernel; marks the pair. Else nothing.
    std::optional<ConvChoice> fuse_depthwise(size_t i) {
        Node& n = nodes_[i];
        if (!dw_fusion_allowed() || i + 1 >= nodes_.size() || n.in0 < num_inputs_ || !pointwise(n.g) || n.g.h * n.g.w < kDwFusionMinPlane) {
            return std::nullopt;  // (a program input is plain NCHW: not the layout the fused kernels were measured on)
        }
        Node& d = nodes_[i + 1];
        const int mid = num_inputs_ + static_cast<int>(i);
        const Value& v = values_[mid];
        if (d.op != OP_CONV || d.in0 != mid || !d.flag || v.output >= 0 || v.last_use != static_cast<int>(i) + 1
            || !fusable_depthwise(d.g)) {
            return std::nullopt;
        }
        post_ops ops;
        if (n.act != ACT_IDENTITY) append_eltwise_post_ops(ops, eltwise_alg(n.act));
        ops.append_dw(dt::f32, dt::f32, dt::f32, d.g.kh, d.g.sh, d.g.pt, 0, {});
        if (d.act != ACT_IDENTITY) append_eltwise_post_ops(ops, eltwise_alg(d.act));
        primitive_attr attr;
        attr.set_scratchpad_mode(scratchpad_mode::user);
        attr.set_post_ops(ops);
        try {
            // a single image: in the layout the input already has (a kernel wanting another, jit_1x1's blocked one, cost
            // two reorders per run, more than the fusion saved); several: the kernel's choice, which repays them
            const memory::desc src = n.g.n == 1 ? values_[n.in0].md : memory::desc();
            auto pd = conv_pd_with(algorithm::convolution_direct, n.g, n.flag != 0, n.bias_md, attr, src);
            memory::desc dw_bias = pd.query_md(query::exec_arg_md, DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS);
            if (pd.dst_desc().dims() != d.g.dst_dims() || dw_bias != memory::desc({d.g.o}, dt::f32, tag::x)) return std::nullopt;
            n.fused_dw = static_cast<int>(i) + 1;
            n.dw_bias_md = dw_bias;
            d.absorbed = true;
            return ConvChoice{pd, n.g.n};
        } catch (const dnnl::error&) {
            return std::nullopt;  // no fused kernel for this pair here: two primitives
        }
    }

    static primitive_attr user_scratchpad() {
        primitive_attr a;
        a.set_scratchpad_mode(scratchpad_mode::user);
        return a;
    }

    size_t scratch_bytes_ = 0;  // the largest scratchpad any primitive needs; one buffer serves them all in turn
    int scratch_buffer_ = -1;
    int num_inputs_ = 0;
    std::vector<Value> values_;
    std::vector<Node> nodes_;
    std::vector<int> output_values_;
    std::vector<std::optional<reorder>> output_reorders_;  // empty: a plain copy
    std::vector<Buffer> buffers_;
};

// Every program created and not yet freed. A handle is looked up here under compute_mutex() by every entry point,
// the same lock programFree takes: a freed, double-freed or made-up handle is a Java exception, never a use of freed
// memory, whatever the Java side does (a close racing a run, a Cleaner, a stale handle).
std::unordered_set<const Program*>& live_programs() {
    static auto& live = *new std::unordered_set<const Program*>();  // never destroyed (see shutdown.cpp)
    return live;
}

// The live program of a handle; call with compute_mutex() held.
Program* live_program(jlong handle) {
    Program* p = reinterpret_cast<Program*>(handle);
    if (handle == 0 || live_programs().count(p) == 0) throw std::invalid_argument("program was freed");
    return p;
}

// One address per buffer, each checked to hold floats[i] floats (no buffer needed where floats[i] is 0 and nulls are
// allowed).
std::vector<float*> addresses(JNIEnv* env, jobjectArray buffers, const std::vector<int64_t>& floats, bool nulls_allowed,
                              const char* what) {
    const int expected = static_cast<int>(floats.size());
    if (buffers == nullptr || env->GetArrayLength(buffers) != expected) {
        throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(expected) + " buffers");
    }
    std::vector<float*> out(expected);
    for (int i = 0; i < expected; i++) {
        jobject b = env->GetObjectArrayElement(buffers, i);
        std::string name = std::string(what) + " " + std::to_string(i);
        out[i] = nulls_allowed ? address_or_null(env, b, name.c_str(), floats[i]) : address(env, b, name.c_str(), floats[i]);
        env->DeleteLocalRef(b);
    }
    return out;
}

}  // namespace
}  // namespace pydl4j

using namespace pydl4j;

extern "C" {

JNIEXPORT jlong JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_programCreate(JNIEnv* env, jclass, jintArray spec) {
    jlong handle = 0;
    guarded(env, "inference program", [&] {
        if (spec == nullptr) throw std::invalid_argument("null program spec");
        std::vector<int> s(env->GetArrayLength(spec));
        env->GetIntArrayRegion(spec, 0, static_cast<jsize>(s.size()), reinterpret_cast<jint*>(s.data()));
        std::lock_guard<std::mutex> lock(compute_mutex());
        auto p = std::make_unique<Program>(s);
        live_programs().insert(p.get());
        handle = reinterpret_cast<jlong>(p.release());
    });
    return handle;
}

JNIEXPORT jlong JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_programBufferBytes(JNIEnv* env, jclass, jlong handle) {
    jlong bytes = 0;
    guarded(env, "inference program", [&] {
        std::lock_guard<std::mutex> lock(compute_mutex());
        bytes = static_cast<jlong>(live_program(handle)->buffer_bytes());
    });
    return bytes;
}

JNIEXPORT jstring JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_programDescribe(JNIEnv* env, jclass, jlong handle) {
    std::string text;
    guarded(env, "inference program", [&] {
        std::lock_guard<std::mutex> lock(compute_mutex());
        text = live_program(handle)->describe();
    });
    return env->ExceptionCheck() ? nullptr : env->NewStringUTF(text.c_str());
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_programRun(
        JNIEnv* env, jclass, jlong handle, jobjectArray inputs, jobjectArray weights, jobjectArray biases, jobjectArray outputs,
        jbooleanArray weightsUnchanged) {
    guarded(env, "inference program", [&] {
        std::lock_guard<std::mutex> lock(compute_mutex());
        Program* p = live_program(handle);
        auto in = addresses(env, inputs, p->input_floats(), false, "program input");
        auto w = addresses(env, weights, p->weight_floats(), true, "program weights");
        auto b = addresses(env, biases, p->bias_floats(), true, "program bias");
        auto out = addresses(env, outputs, p->output_floats(), false, "program output");
        std::vector<bool> unchanged(w.size(), false);  // null: nothing vouched for
        if (weightsUnchanged != nullptr) {
            if (env->GetArrayLength(weightsUnchanged) != static_cast<jsize>(w.size())) {
                throw std::invalid_argument("program weightsUnchanged: expected " + std::to_string(w.size()) + " flags");
            }
            std::vector<jboolean> flags(w.size());
            env->GetBooleanArrayRegion(weightsUnchanged, 0, static_cast<jsize>(w.size()), flags.data());
            for (size_t i = 0; i < w.size(); i++) unchanged[i] = flags[i] == JNI_TRUE;
        }
        p->run(in, w, b, out, unchanged);
    });
}

JNIEXPORT void JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_programFree(JNIEnv* env, jclass, jlong handle) {
    guarded(env, "inference program", [&] {
        std::lock_guard<std::mutex> lock(compute_mutex());
        if (handle == 0) return;
        Program* p = live_program(handle);
        live_programs().erase(p);
        delete p;
    });
}

}  // extern "C"
