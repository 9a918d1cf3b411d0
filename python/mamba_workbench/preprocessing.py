"""An image to the model's input, as the export's `preprocessing` says training prepared it."""

from typing import Union

import torch
import torch.nn.functional as F


class Preprocess:
    """Call with an image: a file path (needs Pillow), a uint8 tensor (H, W) or (H, W, C) in RGB
    order, or a float tensor already in [0, 1]. Returns the (C, S, S) float32 input."""

    def __init__(self, preprocessing: dict):
        self.size = int(preprocessing["image_size"])
        self.channels = int(preprocessing["channels"])
        self.scale = float(preprocessing["scale"])
        self.mean = torch.tensor(preprocessing["mean"], dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(preprocessing["std"], dtype=torch.float32).view(-1, 1, 1)

    def __call__(self, image: Union[str, "torch.Tensor"]) -> torch.Tensor:
        if isinstance(image, (str, bytes)) or hasattr(image, "__fspath__"):
            image = self._read(image)
        x = torch.as_tensor(image)
        if x.dim() == 2:
            x = x.unsqueeze(-1)
        if x.dim() != 3:
            raise ValueError(f"an image is (H, W) or (H, W, C), not {tuple(x.shape)}")
        x = x.permute(2, 0, 1)  # (C, H, W)
        x = x.float() * self.scale if x.dtype == torch.uint8 else x.float()
        if x.size(0) != self.channels:
            x = self._convert(x)
        if x.size(1) != self.size or x.size(2) != self.size:
            # OpenCV's INTER_AREA when shrinking is area averaging; INTER_LINEAR when enlarging
            # is bilinear with half-pixel centres (align_corners=False).
            shrink = x.size(1) > self.size or x.size(2) > self.size
            x = F.interpolate(x.unsqueeze(0), size=(self.size, self.size),
                              mode="area" if shrink else "bilinear",
                              align_corners=None if shrink else False).squeeze(0)
        return (x - self.mean) / self.std

    def _convert(self, x: torch.Tensor) -> torch.Tensor:
        if self.channels == 3 and x.size(0) == 1:
            return x.expand(3, -1, -1)
        if self.channels == 1 and x.size(0) >= 3:  # ITU-R 601 luma, as OpenCV's grey
            return (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0)
        raise ValueError(f"an image of {x.size(0)} channels for a model of {self.channels}")

    def _read(self, path) -> torch.Tensor:
        try:
            from PIL import Image
        except ImportError:
            raise ImportError("reading image files needs Pillow (pip install Pillow); "
                              "or pass the image as a uint8 tensor") from None
        with Image.open(path) as im:
            im = im.convert("L" if self.channels == 1 else "RGB")
            data = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8)
            return data.view(im.height, im.width, -1)
