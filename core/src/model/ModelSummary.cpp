#include "mwb/model/ModelSummary.h"

#include <torch/torch.h>

#include <iomanip>
#include <map>
#include <sstream>

namespace mwb::model {

int64_t parameterCount(const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
}

std::string modelSummary(const VisionMamba& model) {
    // Group by the first component of the name, in order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, int64_t> counts;
    for (const auto& item : model->named_parameters()) {
        const std::string& name = item.key();
        const std::string part = name.substr(0, name.find('.'));
        if (!counts.count(part)) order.push_back(part);
        counts[part] += item.value().numel();
    }
    const auto& o = model->options();
    std::ostringstream out;
    for (const auto& part : order) {
        out << std::left << std::setw(12) << part << std::right << std::setw(12) << counts[part];
        if (part == "blocks") out << "  (" << o.depth << " x " << counts[part] / o.depth << ")";
        out << "\n";
    }
    out << std::left << std::setw(12) << "total" << std::right << std::setw(12)
        << parameterCount(*model) << "\n";
    return out.str();
}

double forwardFlopsPerImage(const VisionMambaOptions& o) {
    const double d = static_cast<double>(o.width);
    const double di = static_cast<double>(o.expand * o.width);
    const double N = static_cast<double>(o.dState);
    const double R = static_cast<double>((o.width + 15) / 16);
    const double side = static_cast<double>(o.imageSize / o.patchSize);
    const double L = side * side + (o.pool == "cls" ? 1.0 : 0.0);
    const double patchIn = static_cast<double>(o.inChannels * o.patchSize * o.patchSize);

    const double directions = o.bidirectional ? 2.0 : 1.0;
    const double perDirection = 2.0 * L * di * static_cast<double>(o.dConv)  // causal conv
                                + 2.0 * L * di * (R + 2.0 * N)               // x_proj
                                + 2.0 * L * R * di                           // dt_proj
                                + 9.0 * L * di * N                           // the scan
                                + 6.0 * L * di;                              // skip, silu gates
    const double block = 2.0 * L * d * 2.0 * di  // in_proj
                         + directions * perDirection
                         + 2.0 * L * di * d     // out_proj
                         + 5.0 * L * d;         // norm and residual add
    return 2.0 * L * patchIn * d + static_cast<double>(o.depth) * block +
           2.0 * d * static_cast<double>(o.numClasses);
}

double trainingFlopsPerImage(const VisionMambaOptions& o) { return 3.0 * forwardFlopsPerImage(o); }

}  // namespace mwb::model
