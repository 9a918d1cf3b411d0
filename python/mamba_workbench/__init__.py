"""Mamba Workbench exports in PyTorch.

    import mamba_workbench as mwb
    model, preprocess, class_names = mwb.load("model.safetensors")
    logits = model(preprocess("shirt.png").unsqueeze(0))
    print(class_names[logits.argmax(1).item()])

The export's metadata (docs/EXPORT.md in the project) says how to rebuild the network and
prepare an image; nothing here guesses.
"""

from .export import ExportError, SUPPORTED_FORMAT_VERSIONS, read_export
from .loading import load
from .model import VisionMamba
from .preprocessing import Preprocess

__all__ = ["ExportError", "Preprocess", "SUPPORTED_FORMAT_VERSIONS", "VisionMamba", "load", "read_export"]
