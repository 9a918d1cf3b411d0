"""load(): an export's model in eval mode, its preprocessing and its class names."""

from typing import Callable, List, Tuple

import torch

from .export import ExportError, read_export
from .model import VisionMamba
from .preprocessing import Preprocess


def load(path, device="cpu") -> Tuple[VisionMamba, Callable, List[str]]:
    """The model of the export at `path` (eval mode, on `device`), a function taking an image
    to the model's input, and the class names (output i is class_names[i]). Raises ExportError
    naming every missing, extra or wrongly shaped tensor."""
    export = read_export(path)
    model = VisionMamba(export.architecture)
    expected = model.state_dict()
    problems = [f"missing tensor '{n}' {tuple(t.shape)}" for n, t in expected.items() if n not in export.tensors]
    problems += [f"extra tensor '{n}'" for n in export.tensors if n not in expected]
    problems += [f"tensor '{n}' is {tuple(export.tensors[n].shape)}, the model's {tuple(t.shape)}"
                 for n, t in expected.items() if n in export.tensors and export.tensors[n].shape != t.shape]
    if problems:
        raise ExportError(f"{path}: the tensors do not fit the architecture in its metadata: " + "; ".join(problems))
    model.load_state_dict({n: export.tensors[n].float() for n in expected})
    model.eval().to(device)
    model.requires_grad_(False)
    return model, Preprocess(export.preprocessing), list(export.class_names)
