#include "mwb/config/Advice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mwb/Error.h"
#include "mwb/config/ConfigDiff.h"
#include "mwb/config/ConfigSchema.h"

namespace mwb::train {
namespace {

/// `v` to 4 significant digits, so that 0.05 + 0.03 reads 0.08 and not 0.08000000000000002.
double tidy(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return std::strtod(buf, nullptr);
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string percent(double fraction) { return fixed(100.0 * fraction, 1) + "%"; }

/// Sets a number field of `config`, tidied and held inside the schema's range for its key.
void setNumber(Config& config, const std::string& key, double value) {
    const auto fields = configFields(config);
    const ConfigField* field = findField(fields, key);
    if (!field || !std::holds_alternative<double*>(field->ref))
        throw Error("advice: '" + key + "' is not a number field of the config");
    *std::get<double*>(field->ref) = std::clamp(tidy(value), field->min, field->max);
}

/// A regulariser made stronger by `step`, or switched on at the recipe's value when off.
void strengthen(Config& c, bool& enabled, double value, const std::string& key, double step,
                double recipeValue) {
    if (enabled) {
        setNumber(c, key, value + step);
    } else {
        enabled = true;
        setNumber(c, key, std::max(value, recipeValue));
    }
}

/// A regulariser made weaker by `step`, switched off when nothing of it would be left.
void weaken(Config& c, bool& enabled, double value, const std::string& key, double step) {
    if (!enabled) return;
    if (value - step <= 0.0) enabled = false;
    else setNumber(c, key, value - step);
}

double median(std::deque<double> values) {
    const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

void remember(std::deque<double>& window, double value, size_t size) {
    window.push_back(value);
    while (window.size() > size) window.pop_front();
}

}  // namespace

std::vector<std::string> adviceChanges(const std::string& kind, const Config& config) {
    Config c = config;
    if (kind == "overfitting") {
        setNumber(c, "optimizer.weight_decay", c.optimizer.weightDecay + 0.03);
        strengthen(c, c.dropPath.enabled, c.dropPath.rate, "drop_path.rate", 0.05, 0.1);
        strengthen(c, c.labelSmoothing.enabled, c.labelSmoothing.value, "label_smoothing.value",
                   0.05, 0.1);
    } else if (kind == "underfitting") {
        setNumber(c, "optimizer.weight_decay", std::max(0.0, c.optimizer.weightDecay - 0.02));
        weaken(c, c.dropPath.enabled, c.dropPath.rate, "drop_path.rate", 0.05);
        weaken(c, c.labelSmoothing.enabled, c.labelSmoothing.value, "label_smoothing.value", 0.05);
        c.mixup.enabled = false;
        c.cutmix.enabled = false;
        c.randomErasing.enabled = false;
    } else if (kind == "instability") {
        setNumber(c, "optimizer.lr", c.optimizer.lr * 0.5);
        const double warmup = c.warmup.epochs > 0 ? c.warmup.epochs : 1.0;
        const double halfRun = static_cast<double>(c.schedule.epochs) / 2.0;
        setNumber(c, "warmup.epochs",
                  c.warmup.enabled ? std::min(2.0 * warmup, std::max(warmup, halfRun)) : warmup);
        c.warmup.enabled = true;
        setNumber(c, "grad_clip.max_norm", c.gradClip.enabled ? c.gradClip.maxNorm * 0.5 : 0.5);
        c.gradClip.enabled = true;
    } else {
        throw Error("unknown advice kind '" + kind + "'; expected overfitting, underfitting or "
                    "instability");
    }
    return assignments(configDiff(config, c));
}

AdviceMonitor::AdviceMonitor(Config config, AdviceRules rules)
    : config_(std::move(config)), rules_(rules) {}

bool AdviceMonitor::quiet(const std::string& kind, int64_t epoch) const {
    const auto cooldown = std::max<int64_t>(
        3, static_cast<int64_t>(std::ceil(rules_.repeatAfter * static_cast<double>(config_.schedule.epochs))));
    for (const auto& a : given_) {
        if (a.epoch == epoch) return true;  // one piece of advice per epoch
        if (a.kind == kind && epoch - a.epoch < cooldown) return true;
    }
    return false;
}

std::optional<Advice> AdviceMonitor::give(const std::string& kind, std::string message,
                                          int64_t epoch, int64_t step) {
    if (quiet(kind, epoch)) return std::nullopt;
    Advice a{kind, std::move(message), adviceChanges(kind, config_), epoch, step};
    given_.push_back(a);
    return a;
}

std::optional<Advice> AdviceMonitor::onStep(const StepMetrics& s) {
    const std::string at = "step " + std::to_string(s.step) + ": ";
    std::string what;
    const bool finite = std::isfinite(s.loss) && std::isfinite(s.gradNorm);
    if (!finite) {
        if (s.lossScale <= 1.0)
            what = at + (std::isfinite(s.loss) ? "the gradient norm" : "the loss") + " is not finite";
    } else {
        if (losses_.size() >= rules_.minSteps) {
            const double m = median(losses_);
            if (s.loss > rules_.spikeFactor * m && s.loss > m + rules_.spikeMargin)
                what = at + "the loss jumped to " + fixed(s.loss, 3) + ", " + fixed(s.loss / m, 1) +
                       "x the median " + fixed(m, 3) + " of the last " +
                       std::to_string(losses_.size()) + " steps";
        }
        if (what.empty() && gradNorms_.size() >= rules_.minSteps) {
            const double m = median(gradNorms_);
            if (m > 0 && s.gradNorm > rules_.gradFactor * m)
                what = at + "the gradient norm reached " + fixed(s.gradNorm, 2) + ", " +
                       fixed(s.gradNorm / m, 0) + "x its median " + fixed(m, 3);
        }
        remember(losses_, s.loss, rules_.stepWindow);
        remember(gradNorms_, s.gradNorm, rules_.stepWindow);
    }
    if (what.empty()) return std::nullopt;
    return give("instability",
                what + ". Training is unstable: a lower learning rate, a longer warmup and "
                       "stronger gradient clipping steady it.",
                s.epoch, s.step);
}

std::optional<Advice> AdviceMonitor::onEpoch(const EpochMetrics& e) {
    epochs_.push_back(e);
    const size_t n = epochs_.size();
    const std::string at = "epoch " + std::to_string(e.epoch + 1) + ": ";

    const double gap = e.trainAccuracy - e.valTop1;
    const auto rising = static_cast<size_t>(std::max<int64_t>(rules_.overfitRisingEpochs, 1));
    bool valLossRose = n > rising;
    for (size_t i = 0; valLossRose && i < rising; ++i)
        valLossRose = epochs_[n - 1 - i].valLoss > epochs_[n - 2 - i].valLoss;
    if (gap > rules_.overfitGap && valLossRose) {
        return give("overfitting",
                    at + "train accuracy " + percent(e.trainAccuracy) + " is " + fixed(100 * gap, 1) +
                        " points above val top-1 " + percent(e.valTop1) + " and val loss rose for " +
                        std::to_string(rising) + " epochs (" + fixed(epochs_[n - 1 - rising].valLoss, 3) +
                        " -> " + fixed(e.valLoss, 3) + "). The model learns the training images, "
                        "not the task: regularise more.",
                    e.epoch, e.step);
    }

    const auto from = std::max<int64_t>(
        2, static_cast<int64_t>(std::ceil(rules_.underfitAfter * static_cast<double>(config_.schedule.epochs))));
    bool low = e.epoch + 1 >= from && n >= 2;
    for (size_t i = 0; low && i < 2; ++i) {
        const auto& m = epochs_[n - 1 - i];
        low = m.trainAccuracy < rules_.underfitTrainAccuracy &&
              std::fabs(m.trainAccuracy - m.valTop1) <= rules_.underfitGap;
    }
    if (low) {
        return give("underfitting",
                    at + "train accuracy " + percent(e.trainAccuracy) + " stays low and close to "
                        "val top-1 " + percent(e.valTop1) + " after " + std::to_string(e.epoch + 1) +
                        " of " + std::to_string(config_.schedule.epochs) + " epochs. The model fits "
                        "neither set: weaken the regularisation.",
                    e.epoch, e.step);
    }
    return std::nullopt;
}

void AdviceMonitor::restore(const std::vector<EpochMetrics>& epochs, const std::vector<Advice>& given) {
    epochs_ = epochs;
    given_ = given;
}

}  // namespace mwb::train
