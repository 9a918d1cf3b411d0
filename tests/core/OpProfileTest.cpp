#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/sys/OpProfile.h"

using mwb::sys::OpTime;
using mwb::test::TempDir;

namespace {

const OpTime* find(const std::vector<OpTime>& ops, const std::string& name) {
    const auto it = std::find_if(ops.begin(), ops.end(),
                                 [&](const OpTime& t) { return t.name == name; });
    return it == ops.end() ? nullptr : &*it;
}

}  // namespace

TEST(OpProfile, CountsTheCallsOfRealWorkAndSortsBySelfTime) {
    TempDir dir;
    const auto a = torch::randn({128, 128}), b = torch::randn({128, 128});
    const auto ops = mwb::sys::profileOps(
        [&] {
            for (int i = 0; i < 7; ++i) torch::mm(a, b);
            for (int i = 0; i < 3; ++i) torch::relu(a);
        },
        dir / "trace.json");
    const OpTime* mm = find(ops, "aten::mm");
    const OpTime* relu = find(ops, "aten::relu");
    ASSERT_NE(mm, nullptr);
    ASSERT_NE(relu, nullptr);
    EXPECT_EQ(mm->calls, 7);
    EXPECT_EQ(relu->calls, 3);
    EXPECT_GT(mm->selfMs, 0.0);
    for (size_t i = 1; i < ops.size(); ++i) EXPECT_GE(ops[i - 1].selfMs, ops[i].selfMs);
}

TEST(OpProfile, SelfTimeExcludesNestedEvents) {
    TempDir dir;
    // Thread 1: outer 0-100 us holding inner 10-40 and 50-60; thread 2: another outer 0-5.
    mwb::test::writeText(dir / "trace.json", R"({"traceEvents": [
        {"name": "outer", "ph": "X", "ts": 0, "dur": 100, "tid": 1},
        {"name": "inner", "ph": "X", "ts": 10, "dur": 30, "tid": 1},
        {"name": "inner", "ph": "X", "ts": 50, "dur": 10, "tid": 1},
        {"name": "outer", "ph": "X", "ts": 0, "dur": 5, "tid": 2},
        {"name": "marker", "ph": "i", "ts": 3, "tid": 1}]})");
    const auto ops = mwb::sys::summarizeTrace(dir / "trace.json");
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_EQ(ops[0].name, "outer");
    EXPECT_DOUBLE_EQ(ops[0].selfMs, (100.0 - 40.0 + 5.0) / 1e3);
    EXPECT_EQ(ops[0].calls, 2);
    EXPECT_DOUBLE_EQ(ops[1].selfMs, 40.0 / 1e3);
    EXPECT_EQ(ops[1].calls, 2);
}

TEST(OpProfile, UnreadableTraceIsAnErrorNamingTheFile) {
    TempDir dir;
    mwb::test::writeText(dir / "broken.json", "{\"traceEvents\": [");
    mwb::test::expectError([&] { mwb::sys::summarizeTrace(dir / "broken.json"); },
                           {"broken.json", "not JSON"});
    mwb::test::expectError([&] { mwb::sys::summarizeTrace(dir / "missing.json"); },
                           {"missing.json"});
}
