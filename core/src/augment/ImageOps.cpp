#include "mwb/augment/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <opencv2/core.hpp>

namespace mwb::augment {
namespace {

constexpr double kPi = 3.14159265358979323846;

inline uint8_t toUint8(float v) {  // torch: clamp(0, 255) then truncating cast
    return static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
}

void prepare(const cv::Mat& src, cv::Mat& dst) {
    CV_Assert(src.depth() == CV_8U && src.isContinuous());
    dst.create(src.rows, src.cols, src.type());
}

/// _blend(img1, img2, ratio): ratio * img1 + (1 - ratio) * img2 in float32.
inline uint8_t blend(float ratio, float rest, uint8_t a, float b) { return toUint8(ratio * float(a) + rest * b); }

/// torchvision's rgb_to_grayscale on uint8: 0.2989 R + 0.587 G + 0.114 B in float32, truncated.
inline uint8_t grey(const uint8_t* p) {
    return static_cast<uint8_t>(0.2989f * float(p[0]) + 0.587f * float(p[1]) + 0.114f * float(p[2]));
}

/// torchvision's _get_inverse_affine_matrix with scale 1 (angles in degrees).
void inverseAffineMatrix(double cx, double cy, double angle, double tx, double ty, double shearX,
                         double shearY, double m[6]) {
    const double rot = angle * kPi / 180.0, sx = shearX * kPi / 180.0, sy = shearY * kPi / 180.0;
    const double a = std::cos(rot - sy) / std::cos(sy);
    const double b = -std::cos(rot - sy) * std::tan(sx) / std::cos(sy) - std::sin(rot);
    const double c = std::sin(rot - sy) / std::cos(sy);
    const double d = -std::sin(rot - sy) * std::tan(sx) / std::cos(sy) + std::cos(rot);
    m[0] = d; m[1] = -b; m[2] = 0.0; m[3] = -c; m[4] = a; m[5] = 0.0;
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
    m[2] += cx;
    m[5] += cy;
}

}  // namespace

void hflip(const cv::Mat& src, cv::Mat& dst) { cv::flip(src, dst, 1); }

void cropPadded(const cv::Mat& src, cv::Mat& dst, int padding, int top, int left) {
    prepare(src, dst);
    const int h = src.rows, w = src.cols, c = src.channels();
    dst.setTo(0);
    const int dy = top - padding, dx = left - padding;  // source offset of the crop
    const int x0 = std::max(0, -dx), x1 = std::min(w, w - dx);
    for (int y = 0; y < h; ++y) {
        const int sy = y + dy;
        if (sy < 0 || sy >= h || x1 <= x0) continue;
        std::memcpy(dst.ptr<uint8_t>(y) + x0 * c, src.ptr<uint8_t>(sy) + (x0 + dx) * c,
                    static_cast<size_t>((x1 - x0) * c));
    }
}

void posterize(const cv::Mat& src, cv::Mat& dst, int bits) {
    prepare(src, dst);
    const auto mask = static_cast<uint8_t>(-(1 << (8 - bits)));
    const size_t n = src.total() * src.channels();
    const uint8_t* s = src.data;
    for (size_t i = 0; i < n; ++i) dst.data[i] = s[i] & mask;
}

void solarize(const cv::Mat& src, cv::Mat& dst, double threshold) {
    prepare(src, dst);
    const auto t = static_cast<float>(threshold);
    const size_t n = src.total() * src.channels();
    for (size_t i = 0; i < n; ++i) dst.data[i] = float(src.data[i]) >= t ? 255 - src.data[i] : src.data[i];
}

void invert(const cv::Mat& src, cv::Mat& dst) {
    prepare(src, dst);
    const size_t n = src.total() * src.channels();
    for (size_t i = 0; i < n; ++i) dst.data[i] = 255 - src.data[i];
}

void equalize(const cv::Mat& src, cv::Mat& dst) {
    prepare(src, dst);
    const int c = src.channels();
    const size_t pixels = src.total();
    for (int ch = 0; ch < c; ++ch) {
        int64_t hist[256] = {0};
        for (size_t i = 0; i < pixels; ++i) ++hist[src.data[i * c + ch]];
        // step = sum of the non-zero bins except the last non-zero one, // 255.
        int last = 255;
        while (last > 0 && hist[last] == 0) --last;
        int64_t sum = 0;
        for (int v = 0; v < last; ++v) sum += hist[v];
        const int64_t step = sum / 255;
        uint8_t lut[256];
        if (step == 0) {
            for (int v = 0; v < 256; ++v) lut[v] = static_cast<uint8_t>(v);
        } else {
            int64_t cumulative = 0;
            for (int v = 0; v < 256; ++v) {  // lut shifted right by one: lut[v] uses cumsum up to v - 1
                lut[v] = static_cast<uint8_t>(std::min<int64_t>(255, (cumulative + step / 2) / step));
                cumulative += hist[v];
            }
        }
        for (size_t i = 0; i < pixels; ++i) dst.data[i * c + ch] = lut[src.data[i * c + ch]];
    }
}

void autocontrast(const cv::Mat& src, cv::Mat& dst) {
    prepare(src, dst);
    const int c = src.channels();
    const size_t pixels = src.total();
    for (int ch = 0; ch < c; ++ch) {
        uint8_t lo = 255, hi = 0;
        for (size_t i = 0; i < pixels; ++i) {
            lo = std::min(lo, src.data[i * c + ch]);
            hi = std::max(hi, src.data[i * c + ch]);
        }
        // torch evaluates `255.0 / (max - min)` as reciprocal(max - min) * 255.
        float minimum = lo, scale = (1.0f / (float(hi) - float(lo))) * 255.0f;
        if (!std::isfinite(scale)) { minimum = 0.0f; scale = 1.0f; }
        for (size_t i = 0; i < pixels; ++i)
            dst.data[i * c + ch] = toUint8((float(src.data[i * c + ch]) - minimum) * scale);
    }
}

void adjustBrightness(const cv::Mat& src, cv::Mat& dst, double factor) {
    prepare(src, dst);
    const auto r = static_cast<float>(factor);
    const size_t n = src.total() * src.channels();
    for (size_t i = 0; i < n; ++i) dst.data[i] = toUint8(r * float(src.data[i]));
}

void adjustSaturation(const cv::Mat& src, cv::Mat& dst, double factor) {
    if (src.channels() == 1) {  // torchvision returns grey images unchanged
        src.copyTo(dst);
        return;
    }
    prepare(src, dst);
    const auto r = static_cast<float>(factor), rest = static_cast<float>(1.0 - factor);
    const size_t pixels = src.total();
    for (size_t i = 0; i < pixels; ++i) {
        const uint8_t* p = src.data + 3 * i;
        const float g = grey(p);
        uint8_t* q = dst.data + 3 * i;
        q[0] = blend(r, rest, p[0], g);
        q[1] = blend(r, rest, p[1], g);
        q[2] = blend(r, rest, p[2], g);
    }
}

void adjustContrast(const cv::Mat& src, cv::Mat& dst, double factor) {
    const int c = src.channels();
    const size_t pixels = src.total();
    double sum = 0.0;
    for (size_t i = 0; i < pixels; ++i) sum += c == 3 ? grey(src.data + 3 * i) : src.data[i];
    const auto mean = static_cast<float>(sum / static_cast<double>(pixels));
    prepare(src, dst);
    const auto r = static_cast<float>(factor), rest = static_cast<float>(1.0 - factor);
    for (size_t i = 0; i < pixels * c; ++i) dst.data[i] = blend(r, rest, src.data[i], mean);
}

void adjustSharpness(const cv::Mat& src, cv::Mat& dst, double factor) {
    prepare(src, dst);
    const int h = src.rows, w = src.cols, c = src.channels();
    if (h <= 2 || w <= 2) {
        src.copyTo(dst);
        return;
    }
    const float edge = 1.0f / 13.0f, centre = 5.0f / 13.0f;
    const auto r = static_cast<float>(factor), rest = static_cast<float>(1.0 - factor);
    const int stride = w * c;
    for (int y = 0; y < h; ++y) {
        const uint8_t* s = src.ptr<uint8_t>(y);
        uint8_t* d = dst.ptr<uint8_t>(y);
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) {
                const int i = x * c + ch;
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {  // border: degenerate = image
                    d[i] = blend(r, rest, s[i], float(s[i]));
                    continue;
                }
                float acc = 0.0f;
                for (int ky = -1; ky <= 1; ++ky)
                    for (int kx = -1; kx <= 1; ++kx)
                        acc += (ky == 0 && kx == 0 ? centre : edge) * float(s[ky * stride + i + kx * c]);
                const float degenerate = std::nearbyint(std::min(255.0f, std::max(0.0f, acc)));
                d[i] = blend(r, rest, s[i], degenerate);
            }
    }
}

namespace {

/// Nearest-neighbour affine warp with fill 0. `inverse` maps an output point to its source
/// point in coordinates centred on the image (torchvision's inverse affine matrix, row-major 2x3).
void affineNearest(const cv::Mat& src, cv::Mat& dst, const double inverse[6]) {
    prepare(src, dst);
    const int h = src.rows, w = src.cols, c = src.channels();
    // torchvision builds the sampling grid in float32: theta rescaled by half the size,
    // applied to pixel-centre coordinates by a batched matrix product (whose kernel rounds
    // x * t0, then fuses + y * t1, then adds t2), then grid_sample's un-normalisation and
    // rounding half to even. Following each rounding step makes ties land as torchvision's do.
    const float hw = 0.5f * float(w), hh = 0.5f * float(h);
    const float t[6] = {float(inverse[0]) / hw, float(inverse[1]) / hw, float(inverse[2]) / hw,
                        float(inverse[3]) / hh, float(inverse[4]) / hh, float(inverse[5]) / hh};
    for (int i = 0; i < h; ++i) {
        const float y = -hh + 0.5f + float(i);
        uint8_t* d = dst.ptr<uint8_t>(i);
        for (int j = 0; j < w; ++j) {
            const float x = -hw + 0.5f + float(j);
            const float gx = std::fma(y, t[1], x * t[0]) + t[2];
            const float gy = std::fma(y, t[4], x * t[3]) + t[5];
            const float sx = std::nearbyint(((gx + 1.0f) * float(w) - 1.0f) / 2.0f);
            const float sy = std::nearbyint(((gy + 1.0f) * float(h) - 1.0f) / 2.0f);
            if (sx < 0.0f || sy < 0.0f || sx >= float(w) || sy >= float(h)) {
                std::memset(d + j * c, 0, static_cast<size_t>(c));
            } else {
                std::memcpy(d + j * c, src.ptr<uint8_t>(int(sy)) + int(sx) * c, static_cast<size_t>(c));
            }
        }
    }
}

}  // namespace

void shearX(const cv::Mat& src, cv::Mat& dst, double m) {
    double inv[6];
    const double degrees = std::atan(m) * 180.0 / kPi;
    inverseAffineMatrix(-0.5 * src.cols, -0.5 * src.rows, 0.0, 0.0, 0.0, degrees, 0.0, inv);
    affineNearest(src, dst, inv);
}

void shearY(const cv::Mat& src, cv::Mat& dst, double m) {
    double inv[6];
    const double degrees = std::atan(m) * 180.0 / kPi;
    inverseAffineMatrix(-0.5 * src.cols, -0.5 * src.rows, 0.0, 0.0, 0.0, 0.0, degrees, inv);
    affineNearest(src, dst, inv);
}

void translateX(const cv::Mat& src, cv::Mat& dst, int pixels) {
    double inv[6];
    inverseAffineMatrix(0.0, 0.0, 0.0, pixels, 0.0, 0.0, 0.0, inv);
    affineNearest(src, dst, inv);
}

void translateY(const cv::Mat& src, cv::Mat& dst, int pixels) {
    double inv[6];
    inverseAffineMatrix(0.0, 0.0, 0.0, 0.0, pixels, 0.0, 0.0, inv);
    affineNearest(src, dst, inv);
}

void rotate(const cv::Mat& src, cv::Mat& dst, double degrees) {
    double inv[6];
    inverseAffineMatrix(0.0, 0.0, -degrees, 0.0, 0.0, 0.0, 0.0, inv);  // F.rotate passes -angle
    affineNearest(src, dst, inv);
}

}  // namespace mwb::augment
