// Data-parallel training and evaluation end to end: `mambawb train|eval --nproc 2` against one
// process, on real Fashion-MNIST images, through the real launcher, c10d Gloo and the trainer;
// a worker killed mid-run; resuming with another process count.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ChildProcesses.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Presets.h"
#include "mwb/train/Trainer.h"
#include "TestPaths.h"

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
    const std::string cmd = mwb::test::cliProgram() + kCommon + " --out " + out.string() +
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

namespace {

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `mambawb` with `args` in the background, its output in `log`; returns its pid (exec keeps
// the shell's pid, so the pid is the launcher's).
pid_t startCli(const std::string& args, const fs::path& log) {
    const std::string cmd = "exec " + mwb::test::cliProgram() + " " + args + " > " + log.string() + " 2>&1";
    const pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

// Waits for `pid` up to `limit`; returns its wait status, or -1 when it is still running.
int waitFor(pid_t pid, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
        if (waitpid(pid, &status, WNOHANG) == pid) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

// The run directory under `out` once rank 0 has reported a training step in metrics.csv.
fs::path waitForFirstStep(const fs::path& out, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (fs::exists(out)) {
            for (const auto& e : fs::directory_iterator(out)) {
                if (readText(e.path() / "metrics.csv").find("\nstep,") != std::string::npos)
                    return e.path();
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
}

fs::path freshDir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("mwb_dp_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    return dir;
}

}  // namespace

TEST(DataParallelEvaluation, TwoProcessesGiveTheCountsOfOne) {
    // A checkpoint of a short run, then its evaluation by one and by two processes. 301 test
    // images: the two shards differ in size (151 and 150), as an unpadded split should.
    const TrainRun run = train("eval", "--set data.batch_size=64 --set data.test_limit=301");
    ASSERT_EQ(run.rc, 0) << "see " << run.out << ".log";
    const fs::path checkpoint = onlyRunDir(run.out) / "checkpoints/last.pt";
    auto evaluate = [&](const std::string& extra, const std::string& name) {
        const fs::path log = run.out / (name + ".json");
        const std::string cmd = mwb::test::cliProgram() + " --threads 1 eval --checkpoint " +
                                checkpoint.string() + " --batch-size 256 --json " + extra + " > " +
                                log.string() + " 2> " + log.string() + ".err";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << readText(log.string() + ".err");
        // One JSON document: rank 1 prints nothing.
        return nlohmann::json::parse(readText(log));
    };
    const auto one = evaluate("", "one");
    const auto two = evaluate("--nproc 2", "two");

    EXPECT_EQ(one["images"], 301);
    EXPECT_EQ(two["images"], one["images"]);
    EXPECT_EQ(two["confusion"], one["confusion"]);
    EXPECT_EQ(two["per_class_accuracy"], one["per_class_accuracy"]);
    EXPECT_EQ(two["top1"], one["top1"]);
    EXPECT_EQ(two["top5"], one["top5"]);
    // The loss sums the same per-image terms in another order (and from other batch shapes).
    EXPECT_NEAR(two["loss"].get<double>(), one["loss"].get<double>(), 1e-6);
    EXPECT_EQ(two["misclassified"], one["misclassified"]);
    EXPECT_EQ(two["misclassified_predictions"], one["misclassified_predictions"]);

    // The counts are right: the confusion matrix holds every image once, its diagonal is the
    // top-1 count, and the trainer's own evaluation after the epoch (the same weights, in the
    // same batches of 256) saw the same accuracy.
    int64_t total = 0, diagonal = 0;
    const auto& confusion = one["confusion"];
    for (size_t t = 0; t < confusion.size(); ++t)
        for (size_t p = 0; p < confusion[t].size(); ++p) {
            total += confusion[t][p].get<int64_t>();
            if (t == p) diagonal += confusion[t][p].get<int64_t>();
        }
    EXPECT_EQ(total, 301);
    EXPECT_DOUBLE_EQ(one["top1"].get<double>(), static_cast<double>(diagonal) / 301);
    const auto history = mwb::io::readCheckpoint(checkpoint.string()).state.history.epochs;
    ASSERT_EQ(history.size(), 1u);
    EXPECT_DOUBLE_EQ(history[0].valTop1, one["top1"].get<double>());
    EXPECT_GT(one["misclassified"].size(), 0u);
    fs::remove_all(run.out);
}

TEST(DataParallelTraining, AWorkerKilledMidRunFailsTheRunNamingItsRankAndLeavesNoProcess) {
    const fs::path out = freshDir("kill");
    const fs::path log = out.string() + ".log";
    const pid_t launcher = startCli(std::string(kCommon).substr(1) + " --set data.batch_size=32 " +
                                        "--set schedule.epochs=100 --set run.log_every_steps=1 " +
                                        "--out " + out.string() + " --nproc 2",
                                    log);
    ASSERT_GT(launcher, 0);
    const fs::path runDir = waitForFirstStep(out, std::chrono::seconds(120));
    const auto workers = mwb::test::workersByRank(launcher);
    if (runDir.empty() || workers.size() != 2) {
        kill(launcher, SIGKILL);
        waitFor(launcher, std::chrono::seconds(10));
        FAIL() << "the run did not start training with two workers; see " << log;
    }
    // A real worker process dies mid-run, the way an OOM kill or a crash would end it.
    const auto killedAt = std::chrono::steady_clock::now();
    ASSERT_EQ(kill(workers.at(1), SIGKILL), 0);
    const int status = waitFor(launcher, std::chrono::seconds(30));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - killedAt).count();
    if (status == -1) {
        kill(launcher, SIGKILL);
        waitFor(launcher, std::chrono::seconds(10));
    }
    ASSERT_NE(status, -1) << "the run was still going 30 s after rank 1 was killed; see " << log;
    EXPECT_LT(seconds, 30.0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 0);
    const std::string output = readText(log);
    EXPECT_NE(output.find("rank 1 was killed by signal 9"), std::string::npos) << output;
    for (const auto& [rank, pid] : workers) EXPECT_TRUE(mwb::test::processGone(pid)) << "rank " << rank << " survived";
    fs::remove_all(out);
    fs::remove(log);
}

namespace {

// 640 training images at 32 per rank: 20 steps an epoch with one process, 10 with two.
constexpr int64_t kStepsOneProcess = 20, kStepsTwoProcesses = 10;

void expectFiniteEpochs(const mwb::io::Checkpoint& c, size_t epochs) {
    ASSERT_EQ(c.state.history.epochs.size(), epochs);
    for (const auto& e : c.state.history.epochs) {
        EXPECT_TRUE(std::isfinite(e.trainLoss)) << "epoch " << e.epoch;
        EXPECT_TRUE(std::isfinite(e.valLoss)) << "epoch " << e.epoch;
        EXPECT_GT(e.trainLoss, 0.0);
    }
}

}  // namespace

TEST(DataParallelTraining, ResumesWithMoreProcesses) {
    // Epoch 1 in this process, stopped at the epoch's end; epoch 2 by `--nproc 2`.
    const fs::path out = freshDir("resume12");
    mwb::train::Config config = mwb::train::loadPreset("fashion-quick");
    for (const char* kv : {"data.train_limit=640", "data.test_limit=300", "schedule.epochs=2",
                           "data.batch_size=32", "model.depth=2", "model.width=32",
                           "run.threads=1", "ema.enabled=false"}) {
        mwb::train::applyOverride(config, kv);
    }
    config.run.outDir = out.string();
    struct StopAfterFirstEpoch : mwb::train::TrainListener {
        mwb::train::RunControl control;
        void onEpoch(const mwb::train::EpochMetrics&) override { control.stop = true; }
    } listener;
    std::string runDir;
    {
        mwb::train::Trainer trainer(config, listener, listener.control);
        trainer.run();
        runDir = trainer.runDirectory();
    }
    const auto first = mwb::io::readCheckpoint(runDir + "/checkpoints/last.pt");
    ASSERT_EQ(first.state.epoch, 1);
    ASSERT_EQ(first.state.globalStep, kStepsOneProcess);
    EXPECT_EQ(first.state.worldSize, 1);

    const std::string cmd = mwb::test::cliProgram() + " train --resume " + runDir + " --nproc 2 > " +
                            out.string() + "/resume.log 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << readText(out / "resume.log");
    const auto last = mwb::io::readCheckpoint(runDir + "/checkpoints/last.pt");
    EXPECT_EQ(last.state.epoch, 2);
    EXPECT_EQ(last.state.stepInEpoch, 0);
    EXPECT_EQ(last.state.globalStep, kStepsOneProcess + kStepsTwoProcesses);
    EXPECT_EQ(last.state.worldSize, 2);
    expectFiniteEpochs(last, 2);
    // The learning rate followed the run's schedule: the second epoch's steps are the second
    // half of the cosine, ending at min_lr, not a schedule twice as long.
    const auto& steps = last.state.history.steps;
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.back().step, kStepsOneProcess + kStepsTwoProcesses);
    EXPECT_EQ(steps.back().totalSteps, 2 * kStepsTwoProcesses);
    fs::remove_all(out);
}

TEST(DataParallelTraining, StopsTogetherAndResumesWithFewerProcesses) {
    // `--nproc 2` stopped by SIGINT somewhere in the run (the launcher forwards it to both
    // ranks, which agree on the step to stop at and exit cleanly), then resumed by one process.
    const fs::path out = freshDir("resume21");
    const fs::path log = out.string() + ".log";
    constexpr int64_t epochs = 4;
    const pid_t launcher = startCli(std::string(kCommon).substr(1) + " --set data.batch_size=32 " +
                                        "--set schedule.epochs=" + std::to_string(epochs) +
                                        " --set run.log_every_steps=1 --out " + out.string() +
                                        " --nproc 2",
                                    log);
    const fs::path runDir = waitForFirstStep(out, std::chrono::seconds(120));
    ASSERT_FALSE(runDir.empty()) << "see " << log;
    ASSERT_EQ(kill(launcher, SIGINT), 0);
    const int status = waitFor(launcher, std::chrono::seconds(120));
    if (status == -1) kill(launcher, SIGKILL);
    ASSERT_NE(status, -1) << "see " << log;
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << readText(log);

    const auto stopped = mwb::io::readCheckpoint((runDir / "checkpoints/last.pt").string());
    ASSERT_LT(stopped.state.epoch, epochs) << "the run ended before the stop arrived";
    EXPECT_EQ(stopped.state.worldSize, 2);
    EXPECT_EQ(stopped.state.globalStep,
              stopped.state.epoch * kStepsTwoProcesses + stopped.state.stepInEpoch);

    const std::string cmd = mwb::test::cliProgram() + " train --resume " + runDir.string() + " > " +
                            log.string() + ".resume 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << readText(log.string() + ".resume");
    const auto last = mwb::io::readCheckpoint((runDir / "checkpoints/last.pt").string());
    // The stopped epoch continues at the same image (2 global batches of 32 per step of the
    // two-process run), then whole one-process epochs follow.
    const int64_t remaining = (kStepsOneProcess - 2 * stopped.state.stepInEpoch) +
                              (epochs - 1 - stopped.state.epoch) * kStepsOneProcess;
    EXPECT_EQ(last.state.epoch, epochs);
    EXPECT_EQ(last.state.globalStep, stopped.state.globalStep + remaining);
    EXPECT_EQ(last.state.worldSize, 1);
    expectFiniteEpochs(last, epochs);
    fs::remove_all(out);
    fs::remove(log);
    fs::remove(log.string() + ".resume");
}
