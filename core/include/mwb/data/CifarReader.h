#pragma once
// CIFAR-10 and CIFAR-100 in their official binary format (the "binary version" archives).
//   CIFAR-10:  <dir>/data_batch_1..5.bin, test_batch.bin: records of 1 label byte + 3072 bytes
//              (R, G, B planes of 32x32); class names in batches.meta.txt.
//   CIFAR-100: <dir>/train.bin, test.bin: coarse label byte + fine label byte + 3072 bytes;
//              names in fine_label_names.txt and coarse_label_names.txt.

#include <string>
#include <vector>

#include "mwb/data/Dataset.h"

namespace mwb::data {

/// Folder names the official archives unpack to, under the data directory.
inline constexpr const char* kCifar10Folder = "cifar-10-batches-bin";
inline constexpr const char* kCifar100Folder = "cifar-100-binary";

/// Reads the CIFAR-10 training (50000) or test (10000) split from `dir`
/// (the cifar-10-batches-bin folder). Throws mwb::Error naming the file and offset.
Dataset readCifar10(const std::string& dir, bool train);

/// Reads a CIFAR-100 split from `dir` (the cifar-100-binary folder); fine labels (100
/// classes) unless `coarse` (20 super-classes). Throws mwb::Error naming the file and offset.
Dataset readCifar100(const std::string& dir, bool train, bool coarse);

}  // namespace mwb::data
