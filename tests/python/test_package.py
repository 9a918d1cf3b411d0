"""The Python package (python/mamba_workbench) against the C++ engine, on real Fashion-MNIST test
images: for three architectures (two directions or one, class token or mean pooling, RMS or layer
norm), raw and EMA weights, the package's probabilities agree with `mambawb eval --predictions`
to 1e-4 and its top-1 everywhere; damaged exports, unknown versions and tensors that do not fit
are refused, each naming its problem.

    python tests/python/test_package.py MAMBAWB WORKDIR
(scripts/test-python installs the package into the torch 2.x venv and runs this.)
"""

import csv
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import torch
from safetensors import safe_open

import mamba_workbench as mwb

IMAGES = 256  # the first test images: the runs' data.test_limit
ARCHITECTURES = {
    "two-directions-mean-rms": [],
    "one-direction-mean-layer": ["--set", "model.bidirectional=false", "--set", "model.norm=layer"],
    "two-directions-cls-rms": ["--set", "model.pool=cls"],
}
failures = []


def check(ok, message):
    print(("ok    " if ok else "FAIL  ") + message, flush=True)
    if not ok:
        failures.append(message)


def run(*args):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def fashion_test_images(count):
    folder = Path(os.environ.get("MWB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    data = gzip.open(folder / "t10k-images-idx3-ubyte.gz").read()
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    assert magic == 2051, f"{folder}: not an IDX image file"
    pixels = torch.frombuffer(bytearray(data[16:16 + count * rows * cols]), dtype=torch.uint8)
    return pixels.view(-1, rows, cols)


def eval_probabilities(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    columns = sorted((c for c in rows[0] if c.startswith("prob_class_")), key=lambda c: int(c.rsplit("_", 1)[1]))
    return torch.tensor([[float(r[c]) for c in columns] for r in rows], dtype=torch.float64)


def rewrite_header(source, target, change):
    data = Path(source).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    change(header)
    text = json.dumps(header).encode()
    Path(target).write_bytes(struct.pack("<Q", len(text)) + text + data[8 + n:])


def refused(path, *words):
    try:
        mwb.load(path)
    except mwb.ExportError as e:
        missing = [w for w in words if w not in str(e)]
        check(not missing, f"{Path(path).name} refused: {e}" + (f" (lacks {missing})" if missing else ""))
        return
    check(False, f"{Path(path).name} was loaded")


def main(mambawb, work):
    work = Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    images = fashion_test_images(IMAGES)
    exports, checkpoints = {}, {}
    for name, extra in ARCHITECTURES.items():
        # fp32 (amp off): the engine's and PyTorch's arithmetic then differ only by rounding.
        out = run(mambawb, "train", "--preset", "fashion-quick", "--set", "data.train_limit=1024",
                  "--set", f"data.test_limit={IMAGES}", "--set", "model.depth=2", "--set", "model.width=32",
                  "--set", "schedule.epochs=1", "--set", "amp.enabled=false", "--set", f"run.name={name}",
                  "--out", work, *extra)
        run_dir = Path(next(l for l in out.splitlines() if l.startswith("run directory: ")).split(": ", 1)[1])
        checkpoint = checkpoints[name] = run_dir / "checkpoints" / "last.pt"
        for weights in ("raw", "ema"):
            flag = ["--ema"] if weights == "ema" else []
            export = work / f"{name}-{weights}.safetensors"
            predictions = work / f"{name}-{weights}.csv"
            run(mambawb, "export", "--checkpoint", checkpoint, "--out", export, *flag)
            run(mambawb, "eval", "--checkpoint", checkpoint, "--predictions", predictions, *flag)
            exports[(name, weights)] = export

            # The safetensors library itself reads the file: the same tensors, the metadata.
            with safe_open(str(export), framework="pt") as f:
                library = {n: f.get_tensor(n) for n in f.keys()}
                library_meta = f.metadata()
            ours = mwb.read_export(export)
            check(library.keys() == ours.tensors.keys()
                  and all(torch.equal(library[n], ours.tensors[n]) for n in library)
                  and library_meta["weights"] == weights and library_meta["format_version"] == "1",
                  f"{name} {weights}: the safetensors library reads {len(library)} tensors and the metadata")
            model, preprocess, class_names = mwb.load(export)
            check(class_names[:2] == ["T-shirt/top", "Trouser"] and len(class_names) == 10,
                  f"{name} {weights}: the class names")
            with torch.no_grad():
                probs = torch.softmax(model(torch.stack([preprocess(i) for i in images])).double(), dim=1)
            expected = eval_probabilities(predictions)
            gap = (probs - expected).abs().max().item()
            same_top1 = (probs.argmax(1) == expected.argmax(1)).float().mean().item()
            check(expected.shape == probs.shape and gap < 1e-4 and same_top1 == 1.0,
                  f"{name} {weights}: {IMAGES} images, largest probability gap {gap:.2e}, "
                  f"top-1 the same for {same_top1:.1%}")

    # Image files: PNGs at twice the size (each pixel a 2 x 2 block), read by the package through
    # Pillow and by `mambawb predict` through OpenCV; both shrink them back by area averaging.
    from PIL import Image
    pngs = work / "pngs"
    pngs.mkdir()
    for i in range(32):
        picture = Image.frombytes("L", (28, 28), bytes(images[i].flatten().tolist()))
        picture.resize((56, 56), Image.NEAREST).save(pngs / f"{i:03d}.png")
    answers = run(mambawb, "predict", "--checkpoint", checkpoints["two-directions-mean-rms"],
                  "--top-k", "10", "--json", pngs)
    model, preprocess, _ = mwb.load(exports[("two-directions-mean-rms", "raw")])
    gaps = []
    for line in answers.splitlines():
        row = json.loads(line)
        with torch.no_grad():
            probs = torch.softmax(model(preprocess(row["filename"]).unsqueeze(0)).double(), dim=1)[0]
        engine = torch.zeros(10, dtype=torch.float64)
        engine[torch.tensor(row["index"])] = torch.tensor(row["prob"], dtype=torch.float64)
        gaps.append((probs - engine).abs().max().item())
    check(len(gaps) == 32 and max(gaps) < 1e-4,
          f"32 PNG files at 56 x 56: the package and mambawb predict agree to {max(gaps):.2e}")

    # Speed: 10,000 test images through the two-direction model, one batch of 500 at a time.
    model, preprocess, _ = mwb.load(exports[("two-directions-mean-rms", "raw")])
    all_images = fashion_test_images(10000)
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, 10000, 500):
            model(torch.stack([preprocess(x) for x in all_images[i:i + 500]]))
    print(f"info  10,000 Fashion-MNIST test images through the package in {time.perf_counter() - start:.1f} s "
          f"({torch.get_num_threads()} threads)")

    good = exports[("two-directions-mean-rms", "raw")]
    cut = work / "cut.safetensors"
    cut.write_bytes(good.read_bytes()[:-100])
    refused(cut, "cut.safetensors", "cut or damaged")
    rewrite_header(good, work / "v2.safetensors", lambda h: h["__metadata__"].update(format_version="2"))
    refused(work / "v2.safetensors", "format version '2'")
    rewrite_header(good, work / "no-head.safetensors", lambda h: h.pop("head.bias"))
    refused(work / "no-head.safetensors", "missing tensor 'head.bias'")
    rewrite_header(good, work / "extra.safetensors",
                   lambda h: h.update({"spare": dict(h["head.bias"])}))
    refused(work / "extra.safetensors", "extra tensor 'spare'")
    rewrite_header(good, work / "narrow.safetensors",
                   lambda h: h["__metadata__"].update(architecture=json.dumps(
                       dict(json.loads(h["__metadata__"]["architecture"]), width=16))))
    refused(work / "narrow.safetensors", "is (10, 32), the model's (10, 16)")
    rewrite_header(good, work / "bare.safetensors", lambda h: h.update({"__metadata__": {"format_version": "1"}}))
    refused(work / "bare.safetensors", "no 'class_names'")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
