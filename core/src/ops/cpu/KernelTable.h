#pragma once
// The table of one instruction set's kernels (private to core/src/ops/cpu): included by its
// kernel file, after that file has defined MWB_LANES, to instantiate every kernel there.

#include "ConvKernels.h"
#include "ScanKernels.h"

namespace mwb::ops::detail {
namespace {

template <typename In, typename T>
void forwardLanesOf(const ScanArgs<In, T>& a, const Strided<In>& y, int64_t b, int64_t e) {
    forwardLanes(a, y, b, e);
}
template <typename In, typename T>
void backwardLanesOf(const ScanArgs<In, T>& a, const ScanGrads<In, T>& g, int64_t b, int64_t e) {
    backwardLanes(a, g, b, e);
}
// N = 16 (Mamba's default) fixed at compile time unrolls the row kernels' loops over N.
template <typename In, typename T>
void forwardRowsOf(const ScanArgs<In, T>& a, const Strided<In>& y, int64_t b, int64_t e) {
    if (a.states == 16) return forwardRows<16>(a, y, b, e);
    forwardRows<0>(a, y, b, e);
}
template <typename In, typename T>
void backwardRowsOf(const ScanArgs<In, T>& a, const ScanGrads<In, T>& g, int64_t b, int64_t e) {
    if (a.states == 16) return backwardRows<16>(a, g, b, e);
    backwardRows<0>(a, g, b, e);
}

template <typename In, typename T>
ScanKernelSet<In, T> scanSet() {
    return {forwardLanesOf<In, T>, forwardRowsOf<In, T>, backwardLanesOf<In, T>,
            backwardRowsOf<In, T>};
}
template <typename In, typename S>
ConvKernelSet<In, S> convSet() {
    return {forwardTask<In, S>, backwardTask<In, S>};
}

CpuKernels makeKernels(const char* isa) {
    ScanKernelSet<double, double> scanDouble{nullptr, forwardRowsOf<double, double>, nullptr,
                                             backwardRowsOf<double, double>};
    return {isa,
            kLanes,
            scanSet<float, float>(),
            scanSet<Bf16, float>(),
            scanDouble,
            convSet<float, float>(),
            convSet<Bf16, float>(),
            convSet<double, double>()};
}

}  // namespace
}  // namespace mwb::ops::detail
