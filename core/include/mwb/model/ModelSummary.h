#pragma once
// Parameter counts and the analytic training cost of a model.

#include <torch/nn/module.h>

#include <string>

#include "mwb/model/VisionMamba.h"

namespace mwb::model {

/// Number of scalar parameters of `m` and its submodules.
int64_t parameterCount(const torch::nn::Module& m);

/// One line per part (patch_embed, pos_embed, blocks, norm_f, head, ...) and a total.
std::string modelSummary(const VisionMamba& model);

/// Forward FLOPs of one image: 2 per multiply-add of every matrix product and convolution,
/// 9 per (channel, token, state) element of each selective scan (the count upstream Mamba
/// uses), and the elementwise work of norms, gates and the scan's skip term.
double forwardFlopsPerImage(const VisionMambaOptions& o);

/// Forward + backward FLOPs of one image: 3 x forwardFlopsPerImage (the backward pass costs
/// two forward passes), for model FLOP utilisation.
double trainingFlopsPerImage(const VisionMambaOptions& o);

}  // namespace mwb::model
