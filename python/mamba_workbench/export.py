"""Reading a safetensors export: its tensors and its metadata, refusing what does not fit."""

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import torch

SUPPORTED_FORMAT_VERSIONS = ("1",)

_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}


class ExportError(ValueError):
    """The file is not a usable Mamba Workbench export; the message names each problem."""


@dataclass
class Export:
    tensors: Dict[str, torch.Tensor]
    metadata: Dict[str, str]
    class_names: List[str]
    preprocessing: dict
    architecture: dict
    training: dict
    weights: str


def _json_field(metadata: Dict[str, str], key: str, where: str):
    if key not in metadata:
        raise ExportError(f"{where}: the metadata has no '{key}'; it is not a Mamba Workbench export "
                          f"(or one older than format version 1): export it again with mambawb export")
    try:
        return json.loads(metadata[key])
    except json.JSONDecodeError as e:
        raise ExportError(f"{where}: the metadata's '{key}' is not JSON ({e})") from None


def read_export(path) -> Export:
    """The tensors and metadata of the export at `path`, checked: a cut or damaged file, an
    unknown format version or missing metadata raise ExportError naming the file."""
    where = str(path)
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise ExportError(f"{where}: {len(data)} bytes, too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ExportError(f"{where}: the header claims {n} bytes but the file has {len(data) - 8} after "
                          f"its length; the file is cut or not safetensors")
    try:
        header = json.loads(data[8:8 + n])
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ExportError(f"{where}: the header is not JSON ({e}); the file is damaged") from None
    metadata = header.pop("__metadata__", None) or {}
    version = metadata.get("format_version")
    if version not in SUPPORTED_FORMAT_VERSIONS:
        raise ExportError(f"{where}: format version {version!r}, this package reads "
                          f"{', '.join(SUPPORTED_FORMAT_VERSIONS)}; "
                          + ("export it again with this version's mambawb" if version is None
                             else "install the package of the mambawb that wrote it"))
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, entry in header.items():
        try:
            dtype = _DTYPES[entry["dtype"]]
            shape = [int(s) for s in entry["shape"]]
            begin, end = (int(o) for o in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise ExportError(f"{where}: tensor '{name}' has a damaged header entry: {entry!r}") from None
        count = 1
        for s in shape:
            count *= s
        size = count * torch.empty((), dtype=dtype).element_size()
        if not (0 <= begin <= end <= len(body)) or end - begin != size:
            raise ExportError(f"{where}: tensor '{name}' claims bytes {begin}..{end} of {len(body)} for "
                              f"{count} values of {entry['dtype']}; the file is cut or damaged")
        raw = bytes(body[begin:end])
        tensors[name] = (torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape).clone()
                         if count else torch.empty(shape, dtype=dtype))
    class_names = _json_field(metadata, "class_names", where)
    preprocessing = _json_field(metadata, "preprocessing", where)
    architecture = _json_field(metadata, "architecture", where)
    training = _json_field(metadata, "training", where)
    if len(class_names) != architecture.get("num_classes"):
        raise ExportError(f"{where}: {len(class_names)} class names for "
                          f"{architecture.get('num_classes')} outputs")
    return Export(tensors, metadata, class_names, preprocessing, architecture, training,
                  metadata.get("weights", "?"))
