#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "TinyNet.h"
#include "mwb/Error.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/step/Optimizer.h"
#include "TestFiles.h"

namespace fs = std::filesystem;
using namespace mwb;
using mwb::test::TinyNet;

namespace {

using mwb::test::tempDir;

train::Optimizer makeTinyOptimizer(TinyNet& net, int64_t depth) {
    train::ParamGroupRules r;
    r.depth = depth;
    r.layerId = [depth](const std::string& n) { return test::tinyLayerId(n, depth); };
    r.excluded = test::tinyExcluded;
    return train::Optimizer(train::makeParamGroups(*net, r), train::OptimizerConfig{});
}

void trainSteps(TinyNet& net, train::Optimizer& opt, int steps) {
    for (int i = 0; i < steps; ++i) {
        opt.zeroGrad();
        net->forward(torch::randn({5, 4})).square().mean().backward();
        opt.step();
    }
}

void expectSameTensors(const io::NamedTensors& a, const io::NamedTensors& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].first, b[i].first);
        EXPECT_EQ(a[i].second.scalar_type(), b[i].second.scalar_type());
        EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
    }
}

io::Checkpoint sampleCheckpoint(TinyNet& net, TinyNet& ema, train::Optimizer& opt) {
    io::Checkpoint c;
    c.state.config.model.depth = 2;
    c.state.config.run.name = "round-trip";
    c.state.config.optimizer.lr = 0.00123456789012345;
    c.state.epoch = 3;
    c.state.stepInEpoch = 17;
    c.state.globalStep = 12345;
    c.state.lossScale = 32768.0;
    c.state.scalerCleanSteps = 77;
    c.state.bestTop1 = 0.8765;
    c.state.bestEpoch = 2;
    train::StepMetrics s;
    s.step = 10;
    s.loss = 1.25;
    s.lr = 1e-4;
    c.state.history.steps.push_back(s);
    train::EpochMetrics e;
    e.step = 10;
    e.valTop1 = 0.5;
    e.isBest = true;
    c.state.history.epochs.push_back(e);
    c.model = io::captureTensors(*net);
    c.ema = io::captureTensors(*ema);
    c.optimizer = io::captureOptimizer(opt.adamw());
    c.rng = at::detail::getDefaultCPUGenerator().get_state();
    return c;
}

}  // namespace

TEST(Checkpoint, RoundTripIsBitExact) {
    torch::manual_seed(1);
    TinyNet net(8, 2), ema(8, 2);
    auto opt = makeTinyOptimizer(net, 2);
    trainSteps(net, opt, 3);
    const auto saved = sampleCheckpoint(net, ema, opt);
    const std::string path = tempDir("ckpt-roundtrip") + "/last.pt";
    io::writeCheckpoint(path, saved);

    const auto loaded = io::readCheckpoint(path);
    expectSameTensors(saved.model, loaded.model);
    expectSameTensors(saved.ema, loaded.ema);
    EXPECT_EQ(saved.optimizer.groups, loaded.optimizer.groups);
    EXPECT_FALSE(saved.optimizer.moments.empty());
    expectSameTensors(saved.optimizer.moments, loaded.optimizer.moments);
    EXPECT_TRUE(loaded.optimizer.legacyArchive.empty());
    EXPECT_TRUE(torch::equal(saved.rng, loaded.rng));
    EXPECT_TRUE(loaded.state.config == saved.state.config);
    EXPECT_EQ(loaded.state.epoch, 3);
    EXPECT_EQ(loaded.state.stepInEpoch, 17);
    EXPECT_EQ(loaded.state.globalStep, 12345);
    EXPECT_EQ(loaded.state.lossScale, 32768.0);
    EXPECT_EQ(loaded.state.scalerCleanSteps, 77);
    EXPECT_EQ(loaded.state.bestTop1, 0.8765);
    EXPECT_EQ(loaded.state.bestEpoch, 2);
    ASSERT_EQ(loaded.state.history.steps.size(), 1u);
    EXPECT_EQ(loaded.state.history.steps[0].loss, 1.25);
    ASSERT_EQ(loaded.state.history.epochs.size(), 1u);
    EXPECT_TRUE(loaded.state.history.epochs[0].isBest);

    // Restored into fresh objects, the next update is identical to the original's.
    TinyNet net2(8, 2);
    auto opt2 = makeTinyOptimizer(net2, 2);
    io::restoreTensors(loaded.model, *net2, path);
    io::restoreOptimizer(loaded.optimizer, opt2.adamw(), path);
    expectSameTensors(io::captureTensors(*net), io::captureTensors(*net2));
    torch::manual_seed(9);
    trainSteps(net, opt, 1);
    torch::manual_seed(9);
    trainSteps(net2, opt2, 1);
    expectSameTensors(io::captureTensors(*net), io::captureTensors(*net2));
}

TEST(Checkpoint, ShapeMismatchNamesTheTensorAndBothShapes) {
    TinyNet net(8, 2), ema(8, 2);
    auto opt = makeTinyOptimizer(net, 2);
    const std::string path = tempDir("ckpt-mismatch") + "/last.pt";
    io::writeCheckpoint(path, sampleCheckpoint(net, ema, opt));
    const auto loaded = io::readCheckpoint(path);

    TinyNet wider(16, 2);
    const auto before = io::captureTensors(*wider);
    try {
        io::restoreTensors(loaded.model, *wider, path);
        FAIL() << "a wider model accepted the checkpoint";
    } catch (const Error& e) {
        const std::string msg = e.what();
        // The module's own parameters come first: pos_embed is the first to differ.
        EXPECT_NE(msg.find("'pos_embed'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("[1, 8] in the checkpoint but [1, 16] in the model"), std::string::npos)
            << msg;
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
    }
    expectSameTensors(before, io::captureTensors(*wider));  // nothing half-loaded

    TinyNet deeper(8, 3);
    try {
        io::restoreTensors(loaded.model, *deeper, path);
        FAIL() << "a deeper model accepted the checkpoint";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'blocks.2.weight'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
    }
    TinyNet shallower(8, 1);
    try {
        io::restoreTensors(loaded.model, *shallower, path);
        FAIL() << "a shallower model accepted the checkpoint";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'blocks.1.weight'"), std::string::npos) << e.what();
    }
}

TEST(Checkpoint, DamagedOrForeignFilesGiveClearErrors) {
    const std::string dir = tempDir("ckpt-bad");
    EXPECT_THROW(io::readCheckpoint(dir + "/missing.pt"), Error);
    {
        std::ofstream(dir + "/junk.pt") << "this is not a checkpoint";
    }
    try {
        io::readCheckpoint(dir + "/junk.pt");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("junk.pt"), std::string::npos);
    }
    // A valid pickle that is not ours.
    const auto bytes = torch::pickle_save(c10::IValue(torch::ones({2})));
    {
        std::ofstream(dir + "/tensor.pt", std::ios::binary).write(bytes.data(), bytes.size());
    }
    EXPECT_THROW(io::readCheckpoint(dir + "/tensor.pt"), Error);
    // A truncated checkpoint.
    TinyNet net(8, 2), ema(8, 2);
    auto opt = makeTinyOptimizer(net, 2);
    io::writeCheckpoint(dir + "/whole.pt", sampleCheckpoint(net, ema, opt));
    fs::copy_file(dir + "/whole.pt", dir + "/cut.pt");
    fs::resize_file(dir + "/cut.pt", fs::file_size(dir + "/whole.pt") / 2);
    EXPECT_THROW(io::readCheckpoint(dir + "/cut.pt"), Error);
}

TEST(Checkpoint, SigkillDuringWriteLeavesALoadableCheckpoint) {
    // A model of a few MB so that each write takes long enough to be interrupted.
    TinyNet net(512, 4), ema(512, 4);
    auto opt = makeTinyOptimizer(net, 4);
    trainSteps(net, opt, 1);
    const std::string dir = tempDir("ckpt-kill");
    const std::string path = dir + "/last.pt";
    io::Checkpoint first = sampleCheckpoint(net, ema, opt);
    io::writeCheckpoint(path, first);

    int killedMidWrite = 0;
    for (int round = 0; round < 6; ++round) {
        io::Checkpoint next = first;
        next.state.globalStep = 1000 + round;
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            // Child: rewrite the checkpoint forever until killed.
            try {
                for (;;) io::writeCheckpoint(path, next);
            } catch (...) {
                _exit(3);
            }
        }
        // Kill as soon as the child's temporary file exists, later in later rounds.
        const std::string tmp = path + ".tmp." + std::to_string(child);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!fs::exists(tmp) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(round * 3));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        EXPECT_TRUE(WIFSIGNALED(status));
        if (fs::exists(tmp)) {
            ++killedMidWrite;
            fs::remove(tmp);
        }
        const auto loaded = io::readCheckpoint(path);  // must not throw
        // The file holds the first checkpoint or one a child completed.
        EXPECT_TRUE(loaded.state.globalStep == 12345 ||
                    (loaded.state.globalStep >= 1000 && loaded.state.globalStep <= 1000 + round));
        expectSameTensors(first.model, loaded.model);
    }
    // The test is only meaningful if at least one kill hit a write in progress.
    EXPECT_GT(killedMidWrite, 0);
}

TEST(Checkpoint, KeepsItsDataCardAndRefusesADamagedOne) {
    mwb::test::TinyNet net(8, 2);
    mwb::io::Checkpoint c;
    c.model = mwb::io::captureTensors(*net);
    c.state.classNames = {"T-shirt/top", "Trouser"};
    c.state.normMean = {0.286};
    c.state.normStd = {0.353};
    const std::string dir = mwb::test::tempDir("checkpoint-card");
    mwb::io::writeCheckpoint(dir + "/card.pt", c);
    const auto back = mwb::io::readCheckpoint(dir + "/card.pt").state;
    EXPECT_EQ(back.classNames, c.state.classNames);
    EXPECT_EQ(back.normMean, c.state.normMean);
    EXPECT_EQ(back.normStd, c.state.normStd);

    c.state.normStd = {0.353, 0.1};  // two deviations for one mean
    mwb::io::writeCheckpoint(dir + "/damaged.pt", c);
    try {
        mwb::io::readCheckpoint(dir + "/damaged.pt");
        FAIL() << "a data card with 1 mean and 2 deviations must be refused";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("damaged.pt': the checkpoint's data card has 1 means and 2 deviations"),
                  std::string::npos)
            << e.what();
    }
}
