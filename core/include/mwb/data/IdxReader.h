#pragma once
// MNIST-format IDX files (gzipped or plain) and Fashion-MNIST, which uses that format.

#include <string>
#include <vector>

#include "mwb/data/Dataset.h"

namespace mwb::data {

/// Reads an unsigned-byte IDX file (magic 00 00 08 <ndims>, big-endian int32 sizes, data),
/// gzipped or plain, as a uint8 tensor of those sizes. Throws mwb::Error naming the file and
/// the offset on a bad magic, a zero or absurd size, truncated or trailing data.
torch::Tensor readIdx(const std::string& path);

/// An image IDX file (N, H, W) and a label IDX file (N) as a one-channel data set.
/// Throws when the counts differ or a label is >= classNames.size().
Dataset readIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       const std::string& name, std::vector<std::string> classNames);

/// The ten Fashion-MNIST class names, in label order.
const std::vector<std::string>& fashionMnistClassNames();

/// Fashion-MNIST's training (60000) or test (10000) split from `dir`
/// (train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz]).
Dataset readFashionMnist(const std::string& dir, bool train);

}  // namespace mwb::data
