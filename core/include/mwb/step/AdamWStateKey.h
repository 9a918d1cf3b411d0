#pragma once
// Where LibTorch's AdamW files a parameter's state (its step count and moments).

#include <torch/types.h>

#include <sstream>
#include <string>
#include <type_traits>

namespace mwb::train {

/// The key of `parameter` in an optimizer's state map: its TensorImpl's address, as text in
/// LibTorch 1.x and as the pointer itself in 2.x.
template <typename Map>
typename Map::key_type adamwStateKey(const Map&, const torch::Tensor& parameter) {
    using Key = typename Map::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream text;
        text << parameter.unsafeGetTensorImpl();
        return text.str();
    } else {
        return static_cast<Key>(parameter.unsafeGetTensorImpl());
    }
}

}  // namespace mwb::train
