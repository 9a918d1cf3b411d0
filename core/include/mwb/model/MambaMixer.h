#pragma once
// The Mamba block of state-spaces/mamba (mamba_simple.py), optionally bidirectional as
// Vision Mamba's "bimamba v2": one in_proj and out_proj shared by two directions, each with
// its own depthwise causal conv1d, x_proj, dt_proj, A_log and D; the two outputs averaged.

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace mwb::model {

/// The step projection's rank when the options leave it 0: ceil(dModel / 16), as in Mamba.
int64_t defaultDtRank(int64_t dModel);

struct MambaMixerOptions {
    int64_t dModel = 192;          // input and output width d
    int64_t dState = 16;           // SSM state size N
    int64_t dConv = 4;             // depthwise causal conv kernel
    int64_t expand = 2;            // d_inner = expand * dModel
    int64_t dtRank = 0;            // rank of the step projection; 0 = ceil(dModel / 16)
    double dtMin = 0.001;          // initial steps are log-uniform in [dtMin, dtMax]
    double dtMax = 0.1;
    double dtInitFloor = 1e-4;     // and at least this
    bool bidirectional = true;     // also scan the reversed sequence ("bimamba v2")
};

class MambaMixerImpl : public torch::nn::Module {
public:
    /// Builds and initialises the parameters as upstream mamba_simple.py does.
    explicit MambaMixerImpl(const MambaMixerOptions& options);

    /// hidden: (B, L, d) -> (B, L, d). Under autocast the projections run in the autocast
    /// dtype; the scan keeps its state in fp32.
    torch::Tensor forward(const torch::Tensor& hidden);

    const MambaMixerOptions& options() const { return options_; }
    int64_t innerWidth() const { return inner_; }
    int64_t dtRank() const { return dtRank_; }

    torch::nn::Linear in_proj{nullptr}, out_proj{nullptr};

private:
    /// The parameters of one scan direction.
    struct Direction {
        torch::nn::Conv1d conv1d{nullptr};
        torch::nn::Linear x_proj{nullptr}, dt_proj{nullptr};
        torch::Tensor A_log, D;
    };
    Direction makeDirection(const std::string& suffix);
    /// One direction over xz (B, 2 d_inner, L) -> y (B, d_inner, L).
    torch::Tensor scan(const torch::Tensor& xz, Direction& dir);

    MambaMixerOptions options_;
    int64_t inner_, dtRank_;
    Direction forward_, backward_;
};
TORCH_MODULE(MambaMixer);

}  // namespace mwb::model
