#include "mwb/sys/CpuFeatures.h"

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "mwb/Error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace mwb::sys {
namespace {

bool bit(uint64_t value, int n) { return ((value >> n) & 1u) != 0; }

#if !defined(__x86_64__) && !defined(__i386__)
std::string buildArch() {
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__aarch64__)
    return "aarch64";
#else
    return "other";
#endif
}
#endif

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/// The value of the first "key : value" line whose key is `key`, and whether there was one.
bool cpuinfoValue(const std::string& text, const std::string& key, std::string& value) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon != std::string::npos && trim(line.substr(0, colon)) == key) {
            value = trim(line.substr(colon + 1));
            return true;
        }
    }
    return false;
}

std::set<std::string> words(const std::string& s) {
    std::istringstream in(s);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

std::string readProcCpuinfo() {
    std::ifstream in("/proc/cpuinfo");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<std::string> CpuFeatures::names() const {
    std::vector<std::string> out;
    const std::pair<bool, const char*> all[] = {
        {avx2, "avx2"},         {fma, "fma"},           {avx512f, "avx512f"},
        {avx512bw, "avx512bw"}, {avx512dq, "avx512dq"}, {avx512vl, "avx512vl"},
        {avx512bf16, "avx512_bf16"}, {amxTile, "amx_tile"}, {amxBf16, "amx_bf16"},
        {neon, "asimd"},        {armBf16, "bf16"}};
    for (const auto& [present, name] : all) {
        if (present) out.emplace_back(name);
    }
    return out;
}

std::string CpuFeatures::summary() const {
    if (arch == "aarch64") return armBf16 ? "ARM64 NEON with BF16" : neon ? "ARM64 NEON" : "ARM64";
    std::string s = avx512() ? "AVX-512" : avx2 && fma ? "AVX2" : "x86-64 without AVX2";
    if (amxBf16) return s + " with AMX-BF16";
    if (avx512bf16) return s + " with BF16";
    return s;
}

CpuFeatures featuresFromCpuid(const CpuidAnswers& a) {
    CpuFeatures f;
    f.arch = "x86_64";
    // The OS must save the registers too: XCR0 bits 1-2 (SSE, AVX state), 5-7 (AVX-512
    // opmask and upper registers), 17-18 (AMX tile configuration and data).
    const bool osxsave = bit(a.leaf1Ecx, 27);
    const bool avxState = osxsave && bit(a.xcr0, 1) && bit(a.xcr0, 2);
    const bool avx512State = avxState && bit(a.xcr0, 5) && bit(a.xcr0, 6) && bit(a.xcr0, 7);
    const bool amxState = osxsave && bit(a.xcr0, 17) && bit(a.xcr0, 18);
    const bool avx = avxState && bit(a.leaf1Ecx, 28);
    f.fma = avx && bit(a.leaf1Ecx, 12);
    f.avx2 = avx && bit(a.leaf7Ebx, 5);
    f.avx512f = avx512State && bit(a.leaf7Ebx, 16);
    f.avx512dq = f.avx512f && bit(a.leaf7Ebx, 17);
    f.avx512bw = f.avx512f && bit(a.leaf7Ebx, 30);
    f.avx512vl = f.avx512f && bit(a.leaf7Ebx, 31);
    f.avx512bf16 = f.avx512f && bit(a.leaf7s1Eax, 5);
    f.amxTile = amxState && bit(a.leaf7Edx, 24);
    f.amxBf16 = f.amxTile && bit(a.leaf7Edx, 22);
    return f;
}

CpuFeatures featuresFromCpuinfo(const std::string& text) {
    CpuFeatures f;
    std::string flags, model;
    if (cpuinfoValue(text, "flags", flags)) {
        const auto w = words(flags);
        const auto has = [&w](const char* name) { return w.count(name) > 0; };
        f.arch = "x86_64";
        f.avx2 = has("avx2");
        f.fma = has("fma");
        f.avx512f = has("avx512f");
        f.avx512bw = has("avx512bw");
        f.avx512dq = has("avx512dq");
        f.avx512vl = has("avx512vl");
        f.avx512bf16 = has("avx512_bf16");
        f.amxTile = has("amx_tile");
        f.amxBf16 = has("amx_bf16");
        if (cpuinfoValue(text, "model name", model)) f.model = model;
    } else if (cpuinfoValue(text, "Features", flags)) {
        const auto w = words(flags);
        f.arch = "aarch64";
        f.neon = w.count("asimd") > 0;
        f.armBf16 = w.count("bf16") > 0;
        // ARM64 kernels name the part by implementer and part numbers, not by a model name.
        std::string implementer, part;
        if (cpuinfoValue(text, "CPU implementer", implementer) &&
            cpuinfoValue(text, "CPU part", part)) {
            f.model = "implementer " + implementer + " part " + part;
        }
    } else {
        throw Error("cpuinfo: no \"flags\" line (x86) or \"Features\" line (ARM64) found; pass "
                    "the text of /proc/cpuinfo");
    }
    return f;
}

std::string formatCpuid(const CpuidAnswers& a) {
    std::ostringstream out;
    out << std::hex << "leaf1.ecx=0x" << a.leaf1Ecx << "\nleaf7.ebx=0x" << a.leaf7Ebx
        << "\nleaf7.ecx=0x" << a.leaf7Ecx << "\nleaf7.edx=0x" << a.leaf7Edx
        << "\nleaf7.1.eax=0x" << a.leaf7s1Eax << "\nxcr0=0x" << a.xcr0 << "\n";
    return out.str();
}

CpuidAnswers parseCpuid(const std::string& text) {
    CpuidAnswers a;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        const std::string key = eq == std::string::npos ? line : line.substr(0, eq);
        uint64_t value = 0;
        bool ok = eq != std::string::npos;
        if (ok) {
            try {
                size_t used = 0;
                value = std::stoull(line.substr(eq + 1), &used, 16);
                ok = used == line.size() - eq - 1;
            } catch (const std::exception&) {
                ok = false;
            }
        }
        uint32_t* reg = key == "leaf1.ecx"     ? &a.leaf1Ecx
                        : key == "leaf7.ebx"   ? &a.leaf7Ebx
                        : key == "leaf7.ecx"   ? &a.leaf7Ecx
                        : key == "leaf7.edx"   ? &a.leaf7Edx
                        : key == "leaf7.1.eax" ? &a.leaf7s1Eax
                                               : nullptr;
        if (!ok || (reg == nullptr && key != "xcr0")) {
            throw Error("cpuid answers, line " + std::to_string(lineNo) + ": \"" + line +
                        "\" is not key=hex with a key of leaf1.ecx, leaf7.ebx, leaf7.ecx, "
                        "leaf7.edx, leaf7.1.eax or xcr0");
        }
        if (reg) {
            *reg = static_cast<uint32_t>(value);
        } else {
            a.xcr0 = value;
        }
    }
    return a;
}

namespace {

/// This machine's cpuid answers (all zero off x86).
CpuidAnswers readCpuid() {
    CpuidAnswers a;
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const unsigned maxLeaf = __get_cpuid_max(0, nullptr);
    if (maxLeaf >= 1 && __get_cpuid(1, &eax, &ebx, &ecx, &edx)) a.leaf1Ecx = ecx;
    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        a.leaf7Ebx = ebx;
        a.leaf7Ecx = ecx;
        a.leaf7Edx = edx;
        const unsigned subLeaves = eax;
        if (subLeaves >= 1) {
            __cpuid_count(7, 1, eax, ebx, ecx, edx);
            a.leaf7s1Eax = eax;
        }
    }
    if (bit(a.leaf1Ecx, 27)) {  // OSXSAVE: xgetbv may be executed
        uint32_t lo = 0, hi = 0;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        a.xcr0 = (static_cast<uint64_t>(hi) << 32) | lo;
    }
#endif
    return a;
}

}  // namespace

const CpuFeatures& cpuFeatures() {
    static const CpuFeatures features = [] {
        const std::string text = readProcCpuinfo();
#if defined(__x86_64__) || defined(__i386__)
        CpuFeatures f = featuresFromCpuid(readCpuid());
        std::string model;
        if (cpuinfoValue(text, "model name", model)) f.model = model;
        return f;
#else
        try {
            return featuresFromCpuinfo(text);
        } catch (const Error&) {
            CpuFeatures f;  // no /proc/cpuinfo: nothing beyond the baseline is assumed
            f.arch = buildArch();
            return f;
        }
#endif
    }();
    return features;
}

}  // namespace mwb::sys
