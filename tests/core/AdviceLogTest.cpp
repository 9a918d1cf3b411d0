// advice.jsonl: what the engine advised during a run, written as it is given and read back.

#include <gtest/gtest.h>

#include <fstream>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/config/AdviceLog.h"
#include "mwb/config/RunDirectory.h"

using namespace mwb;

TEST(AdviceLog, WhatIsAppendedReadsBackInOrder) {
    const auto root = test::tempDir("advice-log");
    const auto dir = io::RunDirectory::create(root, "advice");
    EXPECT_TRUE(io::readAdvice(dir.advicePath()).empty());  // a run given none has no file
    const train::Advice first{"instability", "step 40: the loss jumped to 7.1",
                              {"optimizer.lr=0.0005", "warmup.epochs=10", "grad_clip.max_norm=0.5"}, 0, 40};
    const train::Advice second{"overfitting", "epoch 9: a gap\nof two lines", {"optimizer.weight_decay=0.08"}, 8, 900};
    io::appendAdvice(dir.advicePath(), first);
    io::appendAdvice(dir.advicePath(), second);
    const auto back = io::readAdvice(dir.advicePath());
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].kind, "instability");
    EXPECT_EQ(back[0].changes, first.changes);
    EXPECT_EQ(back[0].step, 40);
    EXPECT_EQ(back[1].message, second.message);
    EXPECT_EQ(back[1].epoch, 8);
    EXPECT_EQ(dir.advicePath(), dir.root() + "/advice.jsonl");
}

TEST(AdviceLog, ABrokenLineNamesTheFileAndTheLine) {
    const auto root = test::tempDir("advice-broken");
    const auto dir = io::RunDirectory::create(root, "advice");
    io::appendAdvice(dir.advicePath(), {"underfitting", "m", {}, 1, 2});
    std::ofstream(dir.advicePath(), std::ios::app) << "{\"kind\": \"overfitting\"}\n";
    test::expectError([&] { io::readAdvice(dir.advicePath()); }, {dir.advicePath(), "line 2", "message"});
}
