// The checkpoint's pickle (data.pkl) behind the archive check: each input is put, as data.pkl,
// into a sound archive (right directory and CRC-32s) beside the tensor records of
// smallCheckpoint(), so every input reaches io/PickleCheck and, past it, LibTorch's unpickler.
// The pickle check must turn away every program LibTorch would misread: any crash, leak or
// sanitizer report here is one it let through.

#include "CheckpointRecords.h"
#include "FuzzCommon.h"
#include "ReaderSeeds.h"

using namespace mwb;

namespace {

test::CheckpointRecords& records() {
    static test::CheckpointRecords* r = [] {
        const std::string path = fuzz::scratchDir() + "/small.pt";
        io::writeCheckpoint(path, fuzz::smallCheckpoint());
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return new test::CheckpointRecords(test::checkpointRecords(bytes));
    }();
    return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& r = records();
    r["data.pkl"] = fuzz::textOf(data, size);
    const std::string archive = test::checkpointArchive(r);
    io::Checkpoint c;
    if (!fuzz::accepts([&] { c = io::parseCheckpoint(archive, "fuzz.pt"); }, "fuzz.pt")) return 0;
    // Accepted: every tensor is readable to its last byte (ASan sees any read past a storage).
    for (const auto* tensors : {&c.model, &c.ema, &c.optimizer.moments}) {
        for (const auto& [name, t] : *tensors) {
            fuzz::check(!name.empty() || t.defined(), "an accepted tensor is undefined");
            (void)t.contiguous().sum();
        }
    }
    return 0;
}
