#pragma once
// Where data sets live on disk.

#include <string>
#include <vector>

namespace mwb::data {

/// The per-user data directory: $XDG_DATA_HOME/mamba-workbench/data, or
/// ~/.local/share/mamba-workbench/data.
std::string defaultDataDir();

/// `configured` when not empty, else defaultDataDir().
std::string resolveDataDir(const std::string& configured);

/// Debian's Fashion-MNIST (package dataset-fashion-mnist); $MWB_FASHION_MNIST_DIR overrides.
std::string fashionMnistDir();

/// A data set looked for on disk, for `mambawb info` and the GUI's data panel.
struct DatasetLocation {
    std::string name;  // "fashion-mnist", "cifar10", "cifar100"
    std::string path;  // the folder looked in
    bool found;        // every file the reader needs is there
};

/// Fashion-MNIST, CIFAR-10 and CIFAR-100 as found (or not) under `dataDir`.
std::vector<DatasetLocation> findDatasets(const std::string& dataDir);

}  // namespace mwb::data
