// The checkpoint reader (io::parseCheckpoint, behind readCheckpoint: resume, Evaluate, export)
// on whole files: half-copied, bit-flipped, or not checkpoints at all. It must reject them with
// an mwb::Error before LibTorch's zip reader or unpickler could misread them; what it accepts,
// written again with writeCheckpoint and read back, holds the same tensors.

#include "FuzzCommon.h"
#include "ReaderSeeds.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::textOf(data, size);
    io::Checkpoint c;
    if (!fuzz::accepts([&] { c = io::parseCheckpoint(input, "fuzz.pt"); }, "fuzz.pt")) return 0;

    const std::string path = fuzz::scratchDir() + "/again.pt";
    fuzz::mustSucceed([&] { io::writeCheckpoint(path, c); }, "writing back an accepted checkpoint");
    io::Checkpoint back;
    fuzz::mustSucceed([&] { back = io::readCheckpoint(path); }, "reading back a written checkpoint");
    fuzz::check(fuzz::sameTensors(c.model, back.model) && fuzz::sameTensors(c.ema, back.ema) &&
                    fuzz::sameTensors(c.optimizer.moments, back.optimizer.moments),
                "a checkpoint written again reads back other tensors");
    fuzz::check(c.optimizer.groups == back.optimizer.groups && c.state.globalStep == back.state.globalStep,
                "a checkpoint written again reads back another state");
    return 0;
}
