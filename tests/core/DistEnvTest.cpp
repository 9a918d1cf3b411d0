#include <gtest/gtest.h>

#include "mwb/Error.h"
#include "mwb/dist/DistEnv.h"

using mwb::dist::distEnvFromEnvironment;
using Env = std::map<std::string, std::string>;

TEST(DistEnv, NoLauncherIsRankZeroOfOne) {
    const Env env;
    const auto d = distEnvFromEnvironment(&env);
    EXPECT_EQ(d.rank, 0);
    EXPECT_EQ(d.worldSize, 1);
    EXPECT_FALSE(d.isDistributed());
}

TEST(DistEnv, ReadsTorchrunVariables) {
    const Env env{{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"},
                  {"MASTER_ADDR", "10.1.2.3"}, {"MASTER_PORT", "29600"}};
    const auto d = distEnvFromEnvironment(&env);
    EXPECT_EQ(d.rank, 3);
    EXPECT_EQ(d.worldSize, 4);
    EXPECT_EQ(d.localRank, 1);
    EXPECT_EQ(d.masterAddr, "10.1.2.3");
    EXPECT_EQ(d.masterPort, 29600);
    EXPECT_EQ(d.localWorldSize, 1);  // not given: no other process shares this machine's cores
    const Env local{{"RANK", "1"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"}};
    EXPECT_EQ(distEnvFromEnvironment(&local).localWorldSize, 2);
    const Env bad{{"RANK", "1"}, {"WORLD_SIZE", "4"}, {"LOCAL_WORLD_SIZE", "0"}};
    try {
        distEnvFromEnvironment(&bad);
        FAIL() << "LOCAL_WORLD_SIZE=0 accepted";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("LOCAL_WORLD_SIZE"), std::string::npos) << e.what();
    }
}

TEST(DistEnv, MapsSlurmVariables) {
    const Env env{{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"},
                  {"MASTER_ADDR", "node01"}};
    const auto d = distEnvFromEnvironment(&env);
    EXPECT_EQ(d.rank, 5);
    EXPECT_EQ(d.worldSize, 8);
    EXPECT_EQ(d.localRank, 1);
    EXPECT_EQ(d.masterAddr, "node01");
    EXPECT_EQ(d.masterPort, 29500);
}

TEST(DistEnv, BadValuesNameTheVariable) {
    const Env rankTooBig{{"RANK", "4"}, {"WORLD_SIZE", "4"}};
    try {
        distEnvFromEnvironment(&rankTooBig);
        FAIL();
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("RANK='4'"), std::string::npos) << e.what();
    }
    const Env badPort{{"MASTER_PORT", "http"}};
    EXPECT_THROW(distEnvFromEnvironment(&badPort), mwb::Error);
    const Env slurmNoMaster{{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}};
    try {
        distEnvFromEnvironment(&slurmNoMaster);
        FAIL();
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("MASTER_ADDR"), std::string::npos) << e.what();
    }
}
