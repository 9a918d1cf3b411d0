#pragma once
// One training run on disk:
//   runs/<yyyymmdd-hhmmss>-<name>/
//     config.json             the resolved config
//     run-info.json           the machine of each session of the run (train/RunInfo.h)
//     metrics.csv             MetricsLog rows
//     advice.jsonl            the advice given during the run, one per line (config/AdviceLog.h);
//                             absent while there is none
//     checkpoints/last.pt     the latest checkpoint (each epoch, every N steps when asked)
//     checkpoints/best.pt     the checkpoint of the best epoch by run.best_metric

#include <ctime>
#include <string>

namespace mwb::io {

/// The paths of one run directory.
class RunDirectory {
public:
    /// Creates `<outDir>/<local date-time of now>-<name>/` with its sub-folders; a suffix
    /// -2, -3 ... keeps two runs started in the same second apart. Throws mwb::Error when the
    /// folder cannot be created.
    static RunDirectory create(const std::string& outDir, const std::string& name,
                               std::time_t now = std::time(nullptr));

    /// An existing run directory. Throws mwb::Error when `root` has no config.json.
    static RunDirectory open(const std::string& root);

    /// The paths of a run directory at `root`, without looking at the disk: for a front end
    /// that names the files of a folder it was given (which may be half-written or gone).
    static RunDirectory at(const std::string& root);

    const std::string& root() const { return root_; }
    /// The run's folder name without the date-time prefix.
    std::string name() const;
    std::string configPath() const { return root_ + "/config.json"; }
    std::string runInfoPath() const { return root_ + "/run-info.json"; }
    std::string metricsPath() const { return root_ + "/metrics.csv"; }
    std::string advicePath() const { return root_ + "/advice.jsonl"; }
    std::string lastCheckpointPath() const { return root_ + "/checkpoints/last.pt"; }
    std::string bestCheckpointPath() const { return root_ + "/checkpoints/best.pt"; }
    /// The checkpoint to evaluate or export: best.pt when it exists, else last.pt (which may
    /// not exist either).
    std::string preferredCheckpointPath() const;

private:
    explicit RunDirectory(std::string root) : root_(std::move(root)) {}
    std::string root_;
};

}  // namespace mwb::io
