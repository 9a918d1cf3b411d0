#include "mwb/dist/DistEnv.h"

#include <charconv>
#include <cstdlib>

#include "mwb/Error.h"

namespace mwb::dist {
namespace {

class Lookup {
public:
    explicit Lookup(const std::map<std::string, std::string>* env) : env_(env) {}

    std::string text(const std::string& name) const {
        if (env_) {
            auto it = env_->find(name);
            return it == env_->end() ? "" : it->second;
        }
        const char* v = std::getenv(name.c_str());
        return v ? v : "";
    }

    bool has(const std::string& name) const { return !text(name).empty(); }

    int number(const std::string& name, int min, int max) const {
        const std::string t = text(name);
        int v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || end != t.data() + t.size() || v < min || v > max) {
            throw Error("environment variable " + name + "='" + t + "' is not an integer in [" +
                        std::to_string(min) + ", " + std::to_string(max) +
                        "]; fix the launcher's settings");
        }
        return v;
    }

private:
    const std::map<std::string, std::string>* env_;
};

}  // namespace

DistEnv distEnvFromEnvironment(const std::map<std::string, std::string>* environment) {
    const Lookup env(environment);
    DistEnv d;
    constexpr int kMaxRanks = 1 << 20;
    if (env.has("WORLD_SIZE")) {
        d.worldSize = env.number("WORLD_SIZE", 1, kMaxRanks);
        d.rank = env.has("RANK") ? env.number("RANK", 0, d.worldSize - 1) : 0;
        d.localRank = env.has("LOCAL_RANK") ? env.number("LOCAL_RANK", 0, kMaxRanks) : d.rank;
        d.localWorldSize = env.has("LOCAL_WORLD_SIZE") ? env.number("LOCAL_WORLD_SIZE", 1, kMaxRanks) : 1;
    } else if (env.has("SLURM_NTASKS")) {
        d.worldSize = env.number("SLURM_NTASKS", 1, kMaxRanks);
        d.rank = env.number("SLURM_PROCID", 0, d.worldSize - 1);
        d.localRank = env.has("SLURM_LOCALID") ? env.number("SLURM_LOCALID", 0, kMaxRanks) : 0;
    }
    if (env.has("MASTER_ADDR")) d.masterAddr = env.text("MASTER_ADDR");
    if (env.has("MASTER_PORT")) d.masterPort = env.number("MASTER_PORT", 1, 65535);
    if (d.worldSize > 1 && !env.has("MASTER_ADDR") && !env.has("WORLD_SIZE")) {
        throw Error("Slurm run with " + std::to_string(d.worldSize) +
                    " tasks but MASTER_ADDR is not set; export MASTER_ADDR (the first node's "
                    "address) and MASTER_PORT in the batch script");
    }
    return d;
}

}  // namespace mwb::dist
