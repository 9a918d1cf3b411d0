#include "mwb/augment/Transform.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>
#include <optional>

#include "mwb/Error.h"
#include "mwb/Random.h"
#include "mwb/augment/AutoAugment.h"
#include "mwb/augment/ImageOps.h"
#include "mwb/augment/RandomErasing.h"

namespace mwb::augment {
namespace {

/// The resolved steps of one pipeline; a step that is off is simply absent.
struct PipelineSteps {
    int64_t size = 32, channels = 3;
    int padding = 0;                    // random crop padding (0: no crop)
    bool hflip = false;                 // random horizontal flip
    std::optional<AutoAugment> autoAugment;
    std::optional<RandAugment> randAugment;
    std::optional<RandomErasingOptions> erasing;
    std::vector<float> scale, shift;    // per channel: x / 255 / std - mean / std
};

/// Scratch images reused by every call on one thread: no allocation per image.
struct Scratch {
    cv::Mat a, b, grey;
};

class ImagePipeline final : public data::Transform {
public:
    explicit ImagePipeline(PipelineSteps steps) : s_(std::move(steps)) {}

    std::array<int64_t, 3> outputShape() const override { return {s_.channels, s_.size, s_.size}; }

    void apply(const cv::Mat& image, std::mt19937_64& rng, float* out,
               std::vector<data::AppliedOp>* applied) const override {
        thread_local Scratch scratch;
        cv::Mat& img = scratch.a;
        const int size = static_cast<int>(s_.size);
        if (image.rows != size || image.cols != size)
            cv::resize(image, img, cv::Size(size, size), 0, 0, cv::INTER_AREA);
        else
            image.copyTo(img);
        if (s_.padding > 0) {
            const int top = static_cast<int>(randomInt(rng, 0, 2 * s_.padding));
            const int left = static_cast<int>(randomInt(rng, 0, 2 * s_.padding));
            cropPadded(img, scratch.b, s_.padding, top, left);
            cv::swap(img, scratch.b);
            if (applied) applied->push_back({"RandomCrop", double(std::max(std::abs(top - s_.padding), std::abs(left - s_.padding)))});
        }
        if (s_.hflip && uniform01(rng) < 0.5) {
            hflip(img, scratch.b);
            cv::swap(img, scratch.b);
            if (applied) applied->push_back({"HFlip", 0.0});
        }
        if (s_.autoAugment) (*s_.autoAugment)(img, scratch.b, rng, applied);
        if (s_.randAugment) (*s_.randAugment)(img, scratch.b, rng, applied);
        toNormalizedChw(img, scratch.grey, out);
        if (s_.erasing)
            randomErasing(out, static_cast<int>(s_.channels), size, size, *s_.erasing, rng, applied);
    }

private:
    void toNormalizedChw(const cv::Mat& img, cv::Mat& grey, float* out) const {
        const int64_t plane = s_.size * s_.size;
        const int inC = img.channels();
        const uint8_t* p = img.data;
        if (inC == 3 && s_.channels == 1) {  // RGB data, grey model: ITU-R 601-2 luma
            cv::cvtColor(img, grey, cv::COLOR_RGB2GRAY);
            p = grey.data;
        }
        const int stride = (inC == 3 && s_.channels == 3) ? 3 : 1;
        for (int64_t c = 0; c < s_.channels; ++c) {
            const float a = s_.scale[static_cast<size_t>(c)], b = s_.shift[static_cast<size_t>(c)];
            const uint8_t* src = p + (stride == 3 ? c : 0);
            float* dst = out + c * plane;
            for (int64_t i = 0; i < plane; ++i) dst[i] = float(src[i * stride]) * a + b;
        }
    }

    PipelineSteps s_;
};

}  // namespace

std::shared_ptr<const data::Transform> makeImagePipeline(const PipelineOptions& options,
                                                         const data::Normalization& normalization) {
    PipelineSteps s;
    s.size = options.imageSize;
    s.channels = options.channels;
    if (s.channels != 1 && s.channels != 3)
        throw Error("model.in_channels: " + std::to_string(s.channels) + " is not 1 or 3");
    if (normalization.mean.empty() || normalization.mean.size() != normalization.std.size())
        throw Error("image pipeline: the normalization needs one mean and one std per channel");
    for (int64_t c = 0; c < s.channels; ++c) {
        // Statistics of a grey data set serve every channel of an RGB model, and vice versa.
        const size_t k = std::min<size_t>(static_cast<size_t>(c), normalization.mean.size() - 1);
        const double mean = normalization.mean[k], std = normalization.std[k];
        s.scale.push_back(static_cast<float>(1.0 / (255.0 * std)));
        s.shift.push_back(static_cast<float>(-mean / std));
    }
    s.padding = static_cast<int>(options.cropPadding);
    s.hflip = options.hflip;
    if (options.autoAugment == "rand")
        s.randAugment.emplace(static_cast<int>(options.randOps), static_cast<int>(options.randMagnitude));
    else if (!options.autoAugment.empty())
        s.autoAugment.emplace(parseAutoAugmentPolicy(options.autoAugment));
    s.erasing = options.erasing;
    return std::make_shared<ImagePipeline>(std::move(s));
}

cv::Mat denormalize(const torch::Tensor& chw, const data::Normalization& normalization) {
    const auto& mean = normalization.mean;
    const auto& std = normalization.std;
    const auto t = chw.to(torch::kFloat).contiguous();
    const int c = static_cast<int>(t.size(0)), h = static_cast<int>(t.size(1)), w = static_cast<int>(t.size(2));
    cv::Mat out(h, w, CV_8UC(c));
    const float* p = t.data_ptr<float>();
    for (int ch = 0; ch < c; ++ch) {
        const size_t k = std::min<size_t>(static_cast<size_t>(ch), mean.size() - 1);
        for (int i = 0; i < h * w; ++i) {
            const double v = (p[ch * h * w + i] * std[k] + mean[k]) * 255.0;
            out.data[i * c + ch] = static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        }
    }
    return out;
}

}  // namespace mwb::augment
