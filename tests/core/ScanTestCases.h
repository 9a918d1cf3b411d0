#pragma once
// Inputs, cases and comparisons shared by the selective scan tests (fused CPU kernel, chunked
// generic path, the CUDA kernels and their per-thread code).

#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "mwb/ops/SelectiveScan.h"

namespace mwb::test::scan {

using torch::Tensor;

struct Shape {
    int64_t B, D, L, N;
};

struct Options {
    bool z = true, skip = true, bias = true, softplus = true;
};

/// The eight tensor arguments; undefined where an option is off.
struct Inputs {
    Tensor u, delta, A, Bm, Cm, Dskip, z, deltaBias;
    bool softplus = true;

    std::vector<Tensor> all() const { return {u, delta, A, Bm, Cm, Dskip, z, deltaBias}; }
};

using ScanFn = std::function<Tensor(const Inputs&)>;

inline Tensor runFused(const Inputs& in) {
    return mwb::ops::selectiveScan(in.u, in.delta, in.A, in.Bm, in.Cm, in.Dskip, in.z, in.deltaBias,
                         in.softplus);
}
inline Tensor runGeneric(const Inputs& in) {
    return mwb::ops::selectiveScanGeneric(in.u, in.delta, in.A, in.Bm, in.Cm, in.Dskip, in.z,
                                in.deltaBias, in.softplus);
}
inline Tensor runReference(const Inputs& in) {
    return mwb::ops::selectiveScanReference(in.u, in.delta, in.A, in.Bm, in.Cm, in.Dskip, in.z,
                                  in.deltaBias, in.softplus);
}

inline Inputs makeInputs(const Shape& s, const Options& o, torch::ScalarType type, uint64_t seed) {
    torch::manual_seed(seed);
    const auto f = torch::TensorOptions().dtype(torch::kFloat);
    Inputs in;
    in.softplus = o.softplus;
    in.u = torch::randn({s.B, s.D, s.L}, f);
    // Without softplus the step must stay positive for a stable recurrence.
    in.delta = o.softplus ? torch::randn({s.B, s.D, s.L}, f) * 0.5
                          : torch::rand({s.B, s.D, s.L}, f) * 0.2 + 0.01;
    in.A = -torch::exp(torch::randn({s.D, s.N}, f) * 0.5);
    in.Bm = torch::randn({s.B, s.N, s.L}, f);
    in.Cm = torch::randn({s.B, s.N, s.L}, f);
    if (o.skip) in.Dskip = torch::randn({s.D}, f);
    if (o.z) in.z = torch::randn({s.B, s.D, s.L}, f);
    if (o.bias) in.deltaBias = torch::rand({s.D}, f) * 0.2 - 0.1 + (o.softplus ? 0.0 : 0.1);
    for (Tensor* t : {&in.u, &in.delta, &in.A, &in.Bm, &in.Cm, &in.Dskip, &in.z, &in.deltaBias}) {
        if (t->defined()) *t = t->to(type);
    }
    return in;
}

/// Copies with requires_grad on every defined tensor.
inline Inputs withGrad(const Inputs& in) {
    Inputs out = in;
    for (Tensor* t :
         {&out.u, &out.delta, &out.A, &out.Bm, &out.Cm, &out.Dskip, &out.z, &out.deltaBias}) {
        if (t->defined()) *t = t->detach().clone().set_requires_grad(true);
    }
    return out;
}

/// max |a - b| / max |b|: the error relative to the reference's scale.
inline double relError(const Tensor& a, const Tensor& b) {
    const auto af = a.to(torch::kDouble), bf = b.to(torch::kDouble);
    const double scale = std::max(bf.abs().max().item<double>(), 1e-12);
    return (af - bf).abs().max().item<double>() / scale;
}

/// Output and gradients of all defined inputs for loss = sum(y * w).
inline std::pair<Tensor, std::vector<Tensor>> outputAndGrads(const ScanFn& fn, const Inputs& in,
                                                      const Tensor& w) {
    const Inputs g = withGrad(in);
    const Tensor y = fn(g);
    (y.to(torch::kFloat) * w).sum().backward();
    std::vector<Tensor> grads;
    for (const auto& t : g.all()) {
        // An input the graph does not reach (A when L = 1 in the generic path) has zero gradient.
        if (!t.defined()) grads.emplace_back();
        else grads.push_back(t.grad().defined() ? t.grad() : torch::zeros_like(t));
    }
    return {y.detach(), grads};
}

inline const char* kNames[] = {"u", "delta", "A", "B", "C", "D", "z", "deltaBias"};

/// 25 shapes covering B = 1, L = 1, odd L, D = 1, N in {1, 4, 16}, both kernels, option mixes.
inline std::vector<std::pair<Shape, Options>> randomCases() {
    const std::vector<Shape> shapes = {
        {1, 1, 1, 1},  {1, 4, 7, 4},   {2, 3, 1, 16},  {2, 5, 33, 16}, {3, 1, 17, 4},
        {1, 8, 64, 16}, {2, 16, 9, 1}, {4, 6, 65, 16}, {1, 2, 2, 4},   {3, 7, 31, 16},
        {2, 1, 5, 1},  {1, 32, 16, 16}, {2, 12, 13, 4}, {5, 3, 8, 16}, {1, 9, 100, 16},
        {2, 4, 3, 4},  {3, 10, 20, 1}, {1, 6, 50, 16}, {2, 2, 129, 4}, {2, 24, 64, 16},
        // D a multiple of the path's vector (16, 8 or 4 channels) takes the lane kernels.
        {2, 48, 37, 16}, {3, 16, 1, 4}, {1, 32, 23, 5}, {2, 40, 19, 16}, {1, 20, 12, 16}};
    std::vector<std::pair<Shape, Options>> cases;
    for (size_t i = 0; i < shapes.size(); ++i) {
        Options o;
        o.z = i % 2 == 0;
        o.skip = (i / 2) % 2 == 0;
        o.bias = (i / 4) % 2 == 0;
        o.softplus = i % 3 != 2;
        cases.emplace_back(shapes[i], o);
    }
    return cases;
}

inline std::string describe(const Shape& s, const Options& o) {
    std::ostringstream out;
    out << "B" << s.B << " D" << s.D << " L" << s.L << " N" << s.N << (o.z ? " z" : "")
        << (o.skip ? " Dskip" : "") << (o.bias ? " bias" : "") << (o.softplus ? " softplus" : "");
    return out.str();
}

}  // namespace mwb::test::scan
