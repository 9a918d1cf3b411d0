#include "mwb/ops/SelectiveScanChunked.h"

#include <ATen/record_function.h>
#include <torch/autograd.h>
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "KernelSupport.h"
#include "ScanShapes.h"

namespace mwb::ops {
namespace {

using detail::computeType;
using torch::Tensor;

/// Inclusive scan over dim 2 of x_t = a_t x_{t-1} + b_t from x_{-1} = x0: a, b (B, D, T, N),
/// x0 (B, D, N); returns every x_t (B, D, T, N). Hillis-Steele: after the round with offset
/// k, element t holds the composition of the steps (t - 2k, t].
Tensor affineScan(Tensor a, Tensor b, const Tensor& x0) {
    const int64_t T = a.size(2);
    for (int64_t k = 1; k < T; k *= 2) {
        const auto aCur = a.narrow(2, k, T - k), aPrev = a.narrow(2, 0, T - k);
        b = torch::cat({b.narrow(2, 0, k), aCur * b.narrow(2, 0, T - k) + b.narrow(2, k, T - k)},
                       2);
        a = torch::cat({a.narrow(2, 0, k), aCur * aPrev}, 2);
    }
    return b.addcmul_(a, x0.unsqueeze(2));
}

/// The per-step values of the whole sequence, in the compute dtype.
struct Steps {
    Tensor dt;    // d_t (B, D, L): softplus(delta + bias) or delta + bias
    Tensor dSig;  // d d_t / d raw_t: sigmoid(raw) (1 above PyTorch's threshold 20, or linear)
    Tensor du;    // d_t u_t
};

Steps steps(const Tensor& u, const Tensor& delta, const Tensor& bias, bool softplus,
            torch::ScalarType type) {
    auto raw = delta.to(type);
    if (bias.defined()) raw = raw + bias.to(type).unsqueeze(-1);
    Steps s;
    s.dt = softplus ? torch::softplus(raw) : raw;
    s.dSig = softplus ? torch::where(raw > 20, torch::ones_like(raw), torch::sigmoid(raw))
                      : torch::ones_like(raw);
    s.du = s.dt * u.to(type);
    return s;
}

/// One chunk's decays a_t = exp(d_t A) and inputs b_t = d_t u_t B_t, both (B, D, T, N).
std::pair<Tensor, Tensor> chunkSteps(const Steps& s, const Tensor& A, const Tensor& Bt,
                                     int64_t t0, int64_t T) {
    const auto a = torch::exp(s.dt.narrow(2, t0, T).unsqueeze(-1) * A.unsqueeze(1));
    const auto b = s.du.narrow(2, t0, T).unsqueeze(-1) * Bt.narrow(1, t0, T).unsqueeze(1);
    return {a, b};
}

/// Absent Dskip, z and deltaBias travel as empty placeholders (LibTorch 1.13 rejects undefined
/// inputs of a custom function); the flags say which are real.
class ChunkedScanFunction : public torch::autograd::Function<ChunkedScanFunction> {
public:
    static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& u,
                          const Tensor& delta, const Tensor& A, const Tensor& Bm,
                          const Tensor& Cm, const Tensor& Dskip, const Tensor& z,
                          const Tensor& deltaBias, bool softplus, bool hasSkip, bool hasZ,
                          bool hasBias, int64_t chunk) {
        RECORD_FUNCTION("mwb::selectiveScanChunked", std::vector<c10::IValue>());
        const auto type = computeType(u);
        const int64_t B = u.size(0), D = u.size(1), L = u.size(2), N = A.size(1);
        const auto s = steps(u, delta, hasBias ? deltaBias : Tensor(), softplus, type);
        const auto Af = A.to(type);
        const auto Bt = Bm.to(type).transpose(1, 2);  // (B, L, N)
        const auto Ct = Cm.to(type).transpose(1, 2);
        auto x = torch::zeros({B, D, N}, u.options().dtype(type));
        std::vector<Tensor> starts, ys;
        for (int64_t t0 = 0; t0 < L; t0 += chunk) {
            const int64_t T = std::min(chunk, L - t0);
            starts.push_back(x);
            auto [a, b] = chunkSteps(s, Af, Bt, t0, T);
            const auto xs = affineScan(std::move(a), std::move(b), x);
            ys.push_back((xs * Ct.narrow(1, t0, T).unsqueeze(1)).sum(-1));
            x = xs.select(2, T - 1).contiguous();
        }
        auto y = torch::cat(ys, 2);
        if (hasSkip) y = y + Dskip.to(type).unsqueeze(-1) * u.to(type);
        if (hasZ) y = y * torch::silu(z.to(type));
        ctx->save_for_backward({u, delta, A, Bm, Cm, Dskip, z, deltaBias, torch::stack(starts, 2)});
        ctx->saved_data["softplus"] = softplus;
        ctx->saved_data["hasSkip"] = hasSkip;
        ctx->saved_data["hasZ"] = hasZ;
        ctx->saved_data["hasBias"] = hasBias;
        ctx->saved_data["chunk"] = chunk;
        return y.to(u.scalar_type());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        torch::autograd::variable_list out(13);
        if (!grads[0].defined()) return out;
        const auto saved = ctx->get_saved_variables();
        const Tensor &u = saved[0], &delta = saved[1], &A = saved[2], &Bm = saved[3],
                     &Cm = saved[4], &starts = saved[8];
        const bool hasSkip = ctx->saved_data["hasSkip"].toBool();
        const bool hasZ = ctx->saved_data["hasZ"].toBool();
        const bool hasBias = ctx->saved_data["hasBias"].toBool();
        const bool softplus = ctx->saved_data["softplus"].toBool();
        const int64_t chunk = ctx->saved_data["chunk"].toInt();
        const auto type = computeType(u);
        const int64_t L = u.size(2);

        const auto s = steps(u, delta, hasBias ? saved[7] : Tensor(), softplus, type);
        const auto uf = u.to(type);
        const auto Af = A.to(type);
        const auto Bt = Bm.to(type).transpose(1, 2);
        const auto Ct = Cm.to(type).transpose(1, 2);
        const auto gy = grads[0].to(type);
        const auto skip = hasSkip ? saved[5].to(type).unsqueeze(-1) : Tensor();

        // dL/d(ungated y): the gate silu(z) is known without the states.
        Tensor gyt = gy;
        Tensor zf, zSig;
        if (hasZ) {
            zf = saved[6].to(type);
            zSig = torch::sigmoid(zf);
            gyt = gy * zf * zSig;
        }

        std::vector<Tensor> gCs, gBs, gus, gDts;
        Tensor gA = torch::zeros_like(Af);
        Tensor yScan;  // ungated scan output, needed for z's gradient
        std::vector<Tensor> yScans;
        Tensor h = torch::zeros_like(starts.select(2, 0));  // dL/dx at the chunk's end, from later steps
        const int64_t chunks = starts.size(2);
        for (int64_t c = chunks - 1; c >= 0; --c) {
            const int64_t t0 = c * chunk, T = std::min(chunk, L - t0);
            const auto x0 = starts.select(2, c);
            auto [a, b] = chunkSteps(s, Af, Bt, t0, T);
            const auto xs = affineScan(a, std::move(b), x0);
            const auto Cc = Ct.narrow(1, t0, T).unsqueeze(1);  // (B, 1, T, N)
            const auto gc = gyt.narrow(2, t0, T);               // (B, D, T)
            if (hasZ) yScans.push_back((xs * Cc).sum(-1));
            // Adjoint: hs_t = gc_t C_t + a_{t+1} hs_{t+1}, the last one fed by h; a reversed
            // affine scan whose decays are a shifted by one step.
            const auto aNext = torch::cat({a.narrow(2, 1, T - 1), torch::ones_like(a.narrow(2, 0, 1))}, 2);
            const auto hs =
                affineScan(aNext.flip(2), (gc.unsqueeze(-1) * Cc).flip(2), h).flip(2);
            const auto xPrev = torch::cat({x0.unsqueeze(2), xs.narrow(2, 0, T - 1)}, 2);
            h = a.select(2, 0) * hs.select(2, 0);

            const auto dt = s.dt.narrow(2, t0, T), du = s.du.narrow(2, t0, T);
            gCs.push_back(torch::einsum("bdt,bdtn->btn", {gc, xs}));
            gBs.push_back(torch::einsum("bdtn,bdt->btn", {hs, du}));
            const auto gDu = (hs * Bt.narrow(1, t0, T).unsqueeze(1)).sum(-1);  // (B, D, T)
            const auto gExp = hs * xPrev * a;  // dL/d(d_t A)
            gA += torch::einsum("bdtn,bdt->dn", {gExp, dt});
            const auto gDtA = (gExp * Af.unsqueeze(1)).sum(-1);
            auto gu = gDu * dt;
            if (hasSkip) gu = gu + gc * skip;
            gus.push_back(gu);
            gDts.push_back((gDu * uf.narrow(2, t0, T) + gDtA) * s.dSig.narrow(2, t0, T));
        }
        std::reverse(gCs.begin(), gCs.end());
        std::reverse(gBs.begin(), gBs.end());
        std::reverse(gus.begin(), gus.end());
        std::reverse(gDts.begin(), gDts.end());
        const auto gDt = torch::cat(gDts, 2);
        const auto cast = [](const Tensor& g, const Tensor& like) { return g.to(like.scalar_type()); };
        out[0] = cast(torch::cat(gus, 2), u);
        out[1] = cast(gDt, delta);
        out[2] = cast(gA, A);
        out[3] = cast(torch::cat(gBs, 1).transpose(1, 2), Bm);
        out[4] = cast(torch::cat(gCs, 1).transpose(1, 2), Cm);
        if (hasSkip) out[5] = cast((gyt * uf).sum(std::vector<int64_t>{0, 2}), saved[5]);
        if (hasZ) {
            std::reverse(yScans.begin(), yScans.end());
            yScan = torch::cat(yScans, 2);
            if (hasSkip) yScan = yScan + skip * uf;
            out[6] = cast(gy * yScan * zSig * (1 + zf * (1 - zSig)), saved[6]);
        }
        if (hasBias) out[7] = cast(gDt.sum(std::vector<int64_t>{0, 2}), saved[7]);
        return out;
    }
};

}  // namespace

int64_t scanChunkTokens(int64_t batch, int64_t channels, int64_t length, int64_t states) {
    constexpr int64_t kBudget = int64_t(64) << 20;  // bytes of one (B, D, chunk, N) fp32 tensor
    const int64_t perToken = std::max<int64_t>(1, batch * channels * states * 4);
    return std::clamp<int64_t>(kBudget / perToken, 1, std::max<int64_t>(1, length));
}

Tensor selectiveScanChunked(const Tensor& u, const Tensor& delta, const Tensor& A,
                            const Tensor& Bm, const Tensor& Cm, const Tensor& Dskip,
                            const Tensor& z, const Tensor& deltaBias, bool deltaSoftplus,
                            int64_t chunk) {
    detail::checkScanShapes(u, delta, A, Bm, Cm, Dskip, z, deltaBias);
    if (chunk <= 0) chunk = scanChunkTokens(u.size(0), u.size(1), u.size(2), A.size(1));
    const auto placeholder = [&](const Tensor& t) {
        return t.defined() ? t : torch::empty({0}, u.options());
    };
    return ChunkedScanFunction::apply(u, delta, A, Bm, Cm, placeholder(Dskip), placeholder(z),
                                      placeholder(deltaBias), deltaSoftplus, Dskip.defined(),
                                      z.defined(), deltaBias.defined(), chunk);
}

}  // namespace mwb::ops
