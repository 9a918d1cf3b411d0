// Data-parallel training end to end: `mambawb train --nproc 2` against one process, on real
// Fashion-MNIST images, through the real launcher, c10d Gloo and the trainer.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "mwb/io/Checkpoint.h"

namespace fs = std::filesystem;

namespace {

// Deterministic settings: no augmentation, mixing or drop path, fp32, so one process at batch
// 64 and two at batch 32 compute the same mean gradient at every step.
const char* kCommon =
    " train --preset fashion-quick --set data.train_limit=640 --set data.test_limit=300"
    " --set schedule.epochs=1 --set auto_augment.enabled=false --set data.hflip=false"
    " --set data.crop_padding=0 --set random_erasing.enabled=false --set mixup.enabled=false"
    " --set cutmix.enabled=false --set drop_path.enabled=false --set amp.enabled=false"
    " --set ema.enabled=false --set model.depth=2 --set model.width=32 --set run.threads=1";

struct TrainRun {
    fs::path out;
    int rc;
};

TrainRun train(const std::string& name, const std::string& extra) {
    const fs::path out = fs::temp_directory_path() /
                         ("mwb_dp_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(out);
    const std::string cmd = std::string(MWB_CLI) + kCommon + " --out " + out.string() +
                            " --set run.name=" + name + " " + extra + " > " +
                            (out.string() + ".log") + " 2>&1";
    return {out, std::system(cmd.c_str())};
}

fs::path onlyRunDir(const fs::path& out) {
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(out)) runs.push_back(e.path());
    EXPECT_EQ(runs.size(), 1u) << "exactly one run directory under " << out;
    return runs.empty() ? fs::path() : runs.front();
}

}  // namespace

TEST(DataParallelTraining, TwoProcessesAtHalfTheBatchMatchOneProcess) {
    const TrainRun one = train("one", "--set data.batch_size=64");
    const TrainRun two = train("two", "--set data.batch_size=32 --nproc 2");
    ASSERT_EQ(one.rc, 0) << "see " << one.out << ".log";
    ASSERT_EQ(two.rc, 0) << "see " << two.out << ".log";

    const fs::path dirOne = onlyRunDir(one.out), dirTwo = onlyRunDir(two.out);
    // Rank 0 alone writes: one metrics file, one config, checkpoints once.
    EXPECT_TRUE(fs::exists(dirTwo / "metrics.csv"));
    EXPECT_TRUE(fs::exists(dirTwo / "config.json"));
    const auto a = mwb::io::readCheckpoint((dirOne / "checkpoints/last.pt").string());
    const auto b = mwb::io::readCheckpoint((dirTwo / "checkpoints/last.pt").string());
    EXPECT_EQ(a.state.globalStep, 10);
    EXPECT_EQ(b.state.globalStep, a.state.globalStep);
    ASSERT_EQ(a.model.size(), b.model.size());
    for (size_t i = 0; i < a.model.size(); ++i) {
        const auto& [name, ta] = a.model[i];
        const auto& tb = b.model[i].second;
        EXPECT_TRUE(torch::allclose(ta, tb, /*rtol=*/1e-5, /*atol=*/1e-6))
            << name << " differs by " << (ta - tb).abs().max().item<double>();
    }
    // Sharded evaluation reduces sums: the same counts as one process.
    const auto& ha = a.state.history.epochs;
    const auto& hb = b.state.history.epochs;
    ASSERT_EQ(ha.size(), 1u);
    ASSERT_EQ(hb.size(), 1u);
    EXPECT_NEAR(ha[0].valTop1, hb[0].valTop1, 1.0 / 300 + 1e-12);
    fs::remove_all(one.out);
    fs::remove_all(two.out);
}
