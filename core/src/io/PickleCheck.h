#pragma once
// The pickle inside a checkpoint, checked before LibTorch's unpickler runs it.
//
// A pickle is a program for a stack machine, and LibTorch's unpickler runs what it is given:
// damaged opcodes can underflow its stack or build a tensor that reads past its storage. This
// check runs the same program on a model of the stack that holds only what a checkpoint holds
// (dicts, tuples, lists, strings, numbers, booleans, None, tensors over the archive's records),
// with no call but the few LibTorch writes, and rejects anything else before LibTorch sees it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mwb::io {

/// The size in bytes of the archive's tensor record `key` (its data/<key> entry), or nothing
/// when there is no such record.
using RecordSize = std::function<std::optional<uint64_t>(const std::string& key)>;

/// Checks that `pickle` (data.pkl) is a pickle of protocol 2 built only from the opcodes and
/// calls LibTorch's pickler writes, with a dict at the top, and that every tensor's storage is a
/// record of the archive large enough for the tensor's sizes, strides and offset. Throws
/// mwb::Error naming `where` and the byte offset otherwise.
void checkCheckpointPickle(std::string_view pickle, const RecordSize& recordSize,
                           const std::string& where);

}  // namespace mwb::io
