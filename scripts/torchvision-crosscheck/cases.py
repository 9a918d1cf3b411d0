#!/usr/bin/python3
# Development-time reference: runs torchvision's AutoAugment/RandAugment ops (Debian's
# python3-torchvision) on random uint8 images at every magnitude bin and sign, and writes the
# inputs, magnitudes and outputs to a binary file that check.cpp replays through mwb's ops.
# The test suite does not depend on Python; run.sh runs both halves.
import math
import struct
import sys

import torch
from torchvision.transforms import InterpolationMode
from torchvision.transforms import autoaugment as AA

OPS = ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color",
       "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize", "Invert"]  # mwb's AugmentOp order


def main(path):
    torch.manual_seed(0)
    spaces = (AA.AutoAugment(), 10), (AA.RandAugment(), 31)
    records = []
    for s in range(60):
        c = 3 if s % 4 else 1
        h, w = (32, 32) if s % 3 else (28, 30)
        img = torch.randint(0, 256, (c, h, w), dtype=torch.uint8)
        if s % 5 == 0:  # low contrast: exercises autocontrast and equalize
            img = (img // 4 + 60).to(torch.uint8)
        for op_index, op in enumerate(OPS):
            for augment, bins in spaces:
                space = augment._augmentation_space(bins, (h, w))  # as forward() calls it
                if op not in space:
                    continue
                magnitudes, signed = space[op]
                for b in range(bins if magnitudes.ndim > 0 else 1):
                    for sign in ((1, -1) if signed else (1,)):
                        m = float(magnitudes[b].item()) * sign if magnitudes.ndim > 0 else 0.0
                        out = AA._apply_op(img.clone(), op, m, InterpolationMode.NEAREST, None)
                        records.append((op_index, b, bins, sign, m, img, out))
    with open(path, "wb") as f:
        f.write(struct.pack("<i", len(records)))
        for op_index, b, bins, sign, m, img, out in records:
            c, h, w = img.shape
            f.write(struct.pack("<iiiidiii", op_index, b, bins, sign, m, c, h, w))
            f.write(img.permute(1, 2, 0).contiguous().numpy().tobytes())
            f.write(out.permute(1, 2, 0).contiguous().numpy().tobytes())
    print(f"{len(records)} cases written to {path}")


if __name__ == "__main__":
    main(sys.argv[1])
