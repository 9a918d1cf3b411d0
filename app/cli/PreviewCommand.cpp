// `mambawb preview`: the training augmentation of a config on k images, written as a PNG grid
// (original | augmented pairs) with the ops applied to each as text and JSON.

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "Commands.h"
#include "mwb/Error.h"
#include "mwb/augment/Preview.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/train/Factories.h"
#include "mwb/config/Presets.h"

namespace mwb::cli {
namespace {

struct PreviewOptions {
    std::string preset;
    std::string configFile;
    std::vector<std::string> overrides;
    std::string dataDir;
    std::string outDir;
    int64_t count = 16;
    int64_t seed = 0;
    bool download = false;
};

/// Prints download progress on one line of stderr, at most every 5%.
void printProgress(int64_t received, int64_t total) {
    static int lastPercent = -1;
    if (total <= 0) return;
    const int percent = static_cast<int>(100 * received / total);
    if (percent / 5 == lastPercent / 5 && percent != 100) return;
    lastPercent = percent;
    std::cerr << "\rdownloading: " << percent << "% of " << total / (1 << 20) << " MiB" << (percent == 100 ? "\n" : "")
              << std::flush;
}

/// Pixels per image pixel in the grid, so that 32x32 images are visible.
constexpr int kZoom = 4;
/// Pairs per grid row.
constexpr int kPairsPerRow = 4;

cv::Mat toBgr(const cv::Mat& rgbOrGrey) {
    cv::Mat out;
    cv::cvtColor(rgbOrGrey, out, rgbOrGrey.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_RGB2BGR);
    return out;
}

/// Pairs (original | augmented), zoomed with nearest neighbours, on a grey background.
cv::Mat makeGrid(const std::vector<augment::PreviewItem>& items) {
    int cell = 0;
    for (const auto& it : items) cell = std::max({cell, it.original.rows, it.original.cols, it.augmented.rows, it.augmented.cols});
    cell *= kZoom;
    const int gap = 4, pairWidth = 2 * cell + gap, margin = 12;
    const int n = static_cast<int>(items.size());
    const int cols = std::min(n, kPairsPerRow), rows = (n + kPairsPerRow - 1) / kPairsPerRow;
    cv::Mat grid(rows * (cell + margin) + margin, cols * (pairWidth + margin) + margin, CV_8UC3, cv::Scalar(64, 64, 64));
    for (int i = 0; i < n; ++i) {
        const int x = margin + (i % kPairsPerRow) * (pairWidth + margin), y = margin + (i / kPairsPerRow) * (cell + margin);
        const cv::Mat* images[2] = {&items[static_cast<size_t>(i)].original, &items[static_cast<size_t>(i)].augmented};
        for (int k = 0; k < 2; ++k) {
            cv::Mat zoomed;
            cv::resize(toBgr(*images[k]), zoomed, cv::Size(), kZoom, kZoom, cv::INTER_NEAREST);
            zoomed.copyTo(grid(cv::Rect(x + k * (cell + gap), y, zoomed.cols, zoomed.rows)));
        }
    }
    return grid;
}

void runPreview(const PreviewOptions& o) {
    if (!o.preset.empty() && !o.configFile.empty()) throw Error("give either --preset or --config, not both");
    if (o.preset.empty() && o.configFile.empty()) throw Error("give --preset NAME or --config FILE");
    train::Config config = !o.configFile.empty() ? train::loadConfig(o.configFile) : train::loadPreset(o.preset);
    train::applyOverrides(config, o.overrides);
    if (!o.dataDir.empty()) config.data.dir = o.dataDir;
    const auto splits = train::loadDataset(config, o.download, printProgress);
    const auto items = augment::makePreview(train::trainPipelineOptions(config), splits.train, o.count, static_cast<uint64_t>(o.seed));

    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) throw Error(o.outDir + ": cannot create the output folder (" + ec.message() + ")");
    std::vector<uchar> png;
    if (!cv::imencode(".png", makeGrid(items), png)) throw Error("cannot encode the preview as PNG");
    const std::string gridPath = (std::filesystem::path(o.outDir) / "preview.png").string();
    io::writeFileAtomically(gridPath, std::string(png.begin(), png.end()));

    nlohmann::ordered_json json;
    json["dataset"] = splits.train.name;
    json["seed"] = o.seed;
    json["grid"] = "preview.png";
    json["layout"] = "pairs (original | augmented), " + std::to_string(kPairsPerRow) + " per row, left to right";
    std::ostringstream text;
    for (size_t i = 0; i < items.size(); ++i) {
        const auto& it = items[i];
        nlohmann::ordered_json ops = nlohmann::ordered_json::array();
        for (const auto& op : it.ops) ops.push_back({{"name", op.name}, {"magnitude", op.magnitude}});
        json["images"].push_back({{"index", it.index}, {"label", it.label}, {"ops", ops}});
        text << i << "\trow " << it.index << "\t" << it.label << "\t" << augment::describeOps(it.ops) << "\n";
    }
    io::writeFileAtomically((std::filesystem::path(o.outDir) / "preview.json").string(), json.dump(2) + "\n");
    io::writeFileAtomically((std::filesystem::path(o.outDir) / "preview.txt").string(), text.str());
    std::cout << text.str() << "wrote " << gridPath << ", preview.json and preview.txt (" << items.size()
              << " images of " << splits.train.name << ")\n";
}

}  // namespace

void addPreviewCommand(CLI::App& app, const GlobalOptions&) {
    auto* cmd = app.add_subcommand("preview", "show the training augmentation of a config on a few images");
    auto o = std::make_shared<PreviewOptions>();
    cmd->add_option("--preset", o->preset, "a shipped preset, e.g. cifar10-v2");
    cmd->add_option("--config", o->configFile, "a JSON config file");
    cmd->add_option("--set", o->overrides, "override a key, e.g. --set auto_augment.policy=rand")
        ->allow_extra_args(false);
    cmd->add_option("--data-dir", o->dataDir, "data directory (default: per-user)");
    cmd->add_option("--out", o->outDir, "folder for preview.png, preview.json and preview.txt")->required();
    cmd->add_option("--count", o->count, "number of images (default 16)")->check(CLI::Range(1, 256));
    cmd->add_option("--seed", o->seed, "picks the images and their augmentation (default 0)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--download", o->download,
                  "fetch CIFAR-10/100 from the official address when missing (MD5 verified)");
    cmd->callback([o] { runPreview(*o); });
}

}  // namespace mwb::cli
