#include "mwb/model/MambaMixer.h"

#include <torch/torch.h>

#include <cmath>

#include "mwb/ops/CausalConv1dSilu.h"
#include "mwb/ops/SelectiveScan.h"

namespace mwb::model {

int64_t defaultDtRank(int64_t dModel) { return (dModel + 15) / 16; }

MambaMixerImpl::MambaMixerImpl(const MambaMixerOptions& options)
    : options_(options),
      inner_(options.expand * options.dModel),
      dtRank_(options.dtRank > 0 ? options.dtRank : defaultDtRank(options.dModel)) {
    in_proj = register_module(
        "in_proj", torch::nn::Linear(torch::nn::LinearOptions(options.dModel, 2 * inner_).bias(false)));
    forward_ = makeDirection("");
    if (options.bidirectional) backward_ = makeDirection("_b");
    out_proj = register_module(
        "out_proj", torch::nn::Linear(torch::nn::LinearOptions(inner_, options.dModel).bias(false)));
}

MambaMixerImpl::Direction MambaMixerImpl::makeDirection(const std::string& suffix) {
    const int64_t N = options_.dState;
    Direction dir;
    dir.conv1d = register_module(
        "conv1d" + suffix,
        torch::nn::Conv1d(torch::nn::Conv1dOptions(inner_, inner_, options_.dConv)
                              .groups(inner_)
                              .padding(options_.dConv - 1)));
    dir.x_proj = register_module(
        "x_proj" + suffix,
        torch::nn::Linear(torch::nn::LinearOptions(inner_, dtRank_ + 2 * N).bias(false)));
    dir.dt_proj = register_module("dt_proj" + suffix,
                                  torch::nn::Linear(torch::nn::LinearOptions(dtRank_, inner_)));
    torch::NoGradGuard noGrad;
    // Step projection: weights uniform in +-dt_rank^-0.5; the bias is the inverse softplus of
    // steps drawn log-uniformly in [dtMin, dtMax] (floored), so softplus(bias) starts there.
    const double std = 1.0 / std::sqrt(static_cast<double>(dtRank_));
    dir.dt_proj->weight.uniform_(-std, std);
    const double logMin = std::log(options_.dtMin), logMax = std::log(options_.dtMax);
    const auto dt = torch::exp(torch::rand({inner_}) * (logMax - logMin) + logMin)
                        .clamp_min(options_.dtInitFloor);
    dir.dt_proj->bias.copy_(dt + torch::log(-torch::expm1(-dt)));
    // S4D-real initialisation: A = -(1..N) for every channel, stored as its log.
    const auto A = torch::arange(1, N + 1, torch::kFloat).repeat({inner_, 1});
    dir.A_log = register_parameter("A" + suffix + "_log", torch::log(A));
    dir.D = register_parameter("D" + suffix, torch::ones({inner_}));
    return dir;
}

torch::Tensor MambaMixerImpl::scan(const torch::Tensor& xz, Direction& dir) {
    const int64_t N = options_.dState;
    // split, not narrow: the backward of a split concatenates the parts' gradients once, while
    // each narrow's backward fills a whole zero tensor and the parts are then added.
    const auto parts = xz.split(inner_, 1);  // x, z
    // The conv1d module holds the weights (names as upstream); the fused op applies them.
    const auto x = ops::causalConv1dSilu(parts[0], dir.conv1d->weight.squeeze(1), dir.conv1d->bias);
    const auto& z = parts[1];
    const auto xdbl = dir.x_proj(x.transpose(1, 2)).split({dtRank_, N, N}, 2);  // (B, L, .)
    const auto Bm = xdbl[1].transpose(1, 2);
    const auto Cm = xdbl[2].transpose(1, 2);
    // dt_proj without its bias: the bias enters the scan as deltaBias, inside the softplus.
    // dt is made contiguous (it is tiny) so matmul folds it into one matrix product instead of
    // a batched product against a copy of the weight per sample.
    const auto delta =
        torch::matmul(xdbl[0].contiguous(), dir.dt_proj->weight.t()).transpose(1, 2);  // (B, di, L)
    const auto A = -torch::exp(dir.A_log.to(torch::kFloat));
    return ops::selectiveScan(x, delta, A, Bm, Cm, dir.D.to(torch::kFloat), z,
                              dir.dt_proj->bias.to(torch::kFloat), /*deltaSoftplus=*/true);
}

namespace {

/// A linear layer over every token of a (B, L, C) tensor as one (B L, C) matrix product.
/// LibTorch 1.13's matmul does not always fold a 3-D input itself; it then runs a batched
/// product against the weight expanded per sample, and its backward sums that expansion
/// (together a fifth of a mamba-tiny step).
torch::Tensor applyToTokens(torch::nn::Linear& layer, const torch::Tensor& tokens) {
    const auto flat = tokens.reshape({-1, tokens.size(2)});
    return layer(flat).view({tokens.size(0), tokens.size(1), -1});
}

}  // namespace

torch::Tensor MambaMixerImpl::forward(const torch::Tensor& hidden) {
    const auto xz = applyToTokens(in_proj, hidden).transpose(1, 2);  // (B, 2 d_inner, L)
    auto y = scan(xz, forward_);
    if (options_.bidirectional) {
        y = (y + scan(xz.flip({2}), backward_).flip({2})) * 0.5;
    }
    return applyToTokens(out_proj, y.transpose(1, 2));
}

}  // namespace mwb::model
