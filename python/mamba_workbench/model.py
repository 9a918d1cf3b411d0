"""Vision Mamba in plain PyTorch, built from an export's `architecture` (docs/EXPORT.md). Its
modules and parameters carry the export's tensor names, so loading checks every tensor."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = x.float()
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def _norm(arch: dict) -> nn.Module:
    if arch["norm"] == "RMSNorm":
        return RMSNorm(arch["width"], arch["norm_eps"])
    if arch["norm"] == "LayerNorm":
        return nn.LayerNorm(arch["width"], eps=arch["norm_eps"])
    raise ValueError(f"unknown norm {arch['norm']!r}")


def selective_scan(u, delta, A, B, C, D, z):
    """The SSM recurrence over the tokens, vectorised over the batch, channels and states.
    u, delta, z: (batch, d_inner, L); A: (d_inner, N); B, C: (batch, L, N); D: (d_inner)."""
    decay = torch.exp(delta.unsqueeze(-1) * A.unsqueeze(1))               # (b, di, L, N)
    drive = (delta * u).unsqueeze(-1) * B.unsqueeze(1)                     # (b, di, L, N)
    state = torch.zeros_like(drive[:, :, 0])
    ys = []
    for t in range(u.size(2)):
        state = decay[:, :, t] * state + drive[:, :, t]
        ys.append(torch.einsum("bdn,bn->bd", state, C[:, t]))
    y = torch.stack(ys, dim=2) + D.view(1, -1, 1) * u
    return y * F.silu(z)


class MambaMixer(nn.Module):
    def __init__(self, arch: dict):
        super().__init__()
        width, di, n, k, r = arch["width"], arch["d_inner"], arch["d_state"], arch["d_conv"], arch["dt_rank"]
        self.d_inner, self.d_state, self.dt_rank, self.bidirectional = di, n, r, arch["bidirectional"]
        self.in_proj = nn.Linear(width, 2 * di, bias=False)
        for suffix in ("", "_b") if self.bidirectional else ("",):
            setattr(self, "conv1d" + suffix, nn.Conv1d(di, di, k, groups=di, padding=k - 1))
            setattr(self, "x_proj" + suffix, nn.Linear(di, r + 2 * n, bias=False))
            setattr(self, "dt_proj" + suffix, nn.Linear(r, di))
            setattr(self, "A" + suffix + "_log", nn.Parameter(torch.zeros(di, n)))
            setattr(self, "D" + suffix, nn.Parameter(torch.ones(di)))
        self.out_proj = nn.Linear(di, width, bias=False)

    def _scan(self, xz, suffix):
        L = xz.size(2)
        x, z = xz.split(self.d_inner, dim=1)
        x = F.silu(getattr(self, "conv1d" + suffix)(x)[..., :L])
        dt, B, C = getattr(self, "x_proj" + suffix)(x.transpose(1, 2)).split(
            [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt_proj = getattr(self, "dt_proj" + suffix)
        delta = F.softplus(dt @ dt_proj.weight.t() + dt_proj.bias).transpose(1, 2)
        A = -torch.exp(getattr(self, "A" + suffix + "_log").float())
        return selective_scan(x, delta, A, B, C, getattr(self, "D" + suffix), z)

    def forward(self, hidden):
        xz = self.in_proj(hidden).transpose(1, 2)  # (b, 2 d_inner, L)
        y = self._scan(xz, "")
        if self.bidirectional:  # the mean of the two directions
            y = (y + self._scan(xz.flip(2), "_b").flip(2)) * 0.5
        return self.out_proj(y.transpose(1, 2))


class Block(nn.Module):
    def __init__(self, arch: dict):
        super().__init__()
        self.norm = _norm(arch)
        self.mixer = MambaMixer(arch)

    def forward(self, x):
        return x + self.mixer(self.norm(x))


class VisionMamba(nn.Module):
    def __init__(self, arch: dict):
        super().__init__()
        self.arch = dict(arch)
        width, patch = arch["width"], arch["patch_size"]
        self.patch_embed = nn.Conv2d(arch["in_channels"], width, patch, stride=patch)
        self.use_cls = arch["pool"] == "cls"
        if self.use_cls:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embed = nn.Parameter(torch.zeros(1, arch["tokens"], width))
        self.blocks = nn.ModuleList(Block(arch) for _ in range(arch["depth"]))
        self.norm_f = _norm(arch)
        self.head = nn.Linear(width, arch["num_classes"])

    def forward(self, images):
        """images: (batch, in_channels, image_size, image_size) float -> logits (batch, classes)."""
        x = self.patch_embed(images).flatten(2).transpose(1, 2)
        if self.use_cls:  # the class token first, then the position embedding over all tokens
            x = torch.cat([self.cls_token.expand(x.size(0), -1, -1), x], dim=1)
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm_f(x)
        return self.head(x[:, 0] if self.use_cls else x.mean(1))
