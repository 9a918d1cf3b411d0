#pragma once
// Who this process is in a data-parallel run, read from the launcher's environment.

#include <map>
#include <string>

namespace mwb::dist {

/// The rank layout of one process. A process started without a launcher is rank 0 of 1.
struct DistEnv {
    int rank = 0;                         // global rank, 0 = the one that writes files
    int worldSize = 1;                    // number of processes
    int localRank = 0;                    // rank on this machine (picks the GPU)
    int localWorldSize = 1;               // processes on this machine, sharing its cores
    std::string masterAddr = "127.0.0.1"; // rendezvous host (rank 0's TCPStore)
    int masterPort = 29500;               // rendezvous port
    bool isDistributed() const { return worldSize > 1; }
    bool isMain() const { return rank == 0; }
};

/// Reads torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
/// MASTER_PORT), else
/// Slurm's (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; MASTER_ADDR/MASTER_PORT still name the
/// rendezvous), else rank 0 of 1. `environment` replaces the process environment in tests.
/// Throws mwb::Error naming the variable when a value is not a number or out of range.
DistEnv distEnvFromEnvironment(const std::map<std::string, std::string>* environment = nullptr);

}  // namespace mwb::dist
