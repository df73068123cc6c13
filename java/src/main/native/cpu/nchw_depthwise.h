// Depthwise convolution on plain NCHW planes (training: forward, backward data, backward weights), see
// nchw_depthwise.cpp. groups == c, o = c * mult: output channel oc reads input channel oc / mult; weights
// [o, 1, kh, kw]; bias / gradBias may be null. The geometry is checked by the caller (nchw_train.cpp check_kind).
#pragma once

#include "common.h"

namespace pydl4j {

void dw_forward(const Geometry& g, const float* x, const float* w, const float* bias, float* y);
void dw_backward_data(const Geometry& g, const float* gy, const float* w, float* gx);
void dw_backward_weights(const Geometry& g, const float* x, const float* gy, float* gw, float* gb);

}  // namespace pydl4j
