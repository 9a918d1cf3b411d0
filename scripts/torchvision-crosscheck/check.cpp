// Replays the cases written by cases.py through mwb::augment's ops and counts, per op, the
// cases whose output or magnitude differs from torchvision's. Exit status 1 on any difference.

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <opencv2/core.hpp>
#include <string>

#include "mwb/augment/AutoAugment.h"

using namespace mwb::augment;

int main(int argc, char** argv) {
    std::ifstream in(argc > 1 ? argv[1] : "cases.bin", std::ios::binary);
    int n = 0;
    in.read(reinterpret_cast<char*>(&n), 4);
    std::map<std::string, std::array<long, 3>> stats;  // cases, output differs, magnitude differs
    long failures = 0;
    for (int k = 0; k < n; ++k) {
        int op, bin, bins, sign, c, h, w;
        double m;
        for (int* v : {&op, &bin, &bins, &sign}) in.read(reinterpret_cast<char*>(v), 4);
        in.read(reinterpret_cast<char*>(&m), 8);
        for (int* v : {&c, &h, &w}) in.read(reinterpret_cast<char*>(v), 4);
        cv::Mat src(h, w, CV_8UC(c)), want(h, w, CV_8UC(c)), got;
        in.read(reinterpret_cast<char*>(src.data), h * w * c);
        in.read(reinterpret_cast<char*>(want.data), h * w * c);
        const auto o = static_cast<AugmentOp>(op);
        auto& s = stats[std::string(opName(o)) + (c == 1 ? " grey" : " rgb") + (h == w ? "" : " non-square")];
        ++s[0];
        const double mine = opMagnitude(o, bin, bins, w, h) * sign;
        if (mine != m) ++s[2];
        applyOp(src, got, o, m);
        if (cv::norm(got, want, cv::NORM_INF) != 0) ++s[1];
    }
    for (const auto& [name, s] : stats) {
        std::printf("%-28s cases %5ld  output differs %4ld  magnitude differs %4ld\n", name.c_str(), s[0], s[1], s[2]);
        failures += s[1] + s[2];
    }
    std::printf("%d cases, %ld differences\n", n, failures);
    return failures == 0 ? 0 : 1;
}
