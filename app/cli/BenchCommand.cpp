// `mambawb bench`: how fast this machine trains a model preset, measured, not assumed:
// GEMM throughput, the fused scan against the reference and on every kernel path the CPU
// runs, train-step images/s in fp32 and bf16 autocast, the scan's share of a step, peak
// memory and model FLOP utilisation, with the CPU, kernel path and precision that made them.

#include <sys/resource.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "mwb/Error.h"
#include "mwb/train/Factories.h"
#include "mwb/train/Runtime.h"
#include "mwb/config/ModelPresets.h"
#include "mwb/model/ModelSummary.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/ops/SelectiveScan.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/PipelineBench.h"
#include "mwb/sys/Device.h"
#include "mwb/step/DeviceBench.h"
#include "mwb/sys/GemmProbe.h"
#include "mwb/sys/OpProfile.h"
#include "mwb/sys/Threads.h"
#include "mwb/step/Precision.h"
#include "mwb/config/Presets.h"
#include "mwb/train/RunInfo.h"
#include "mwb/step/StepRig.h"

namespace mwb::cli {
namespace {

struct BenchOptions {
    std::string preset = "mamba-tiny";
    int64_t batchSize = 64;
    int64_t steps = 5;
    bool json = false;
    bool data = false;         // measure the input pipeline instead of the model
    std::string dataDir;       // where to look for CIFAR-10 (--data)
    int64_t images = 20000;    // images per pipeline measurement (--data)
    std::string profile;       // Chrome trace of one train step goes here (empty: none)
    std::string amp = "auto";  // the step precision reported and profiled: auto, fp32 or bf16
    std::string device;        // cpu, cuda, cuda:N: the device bench (empty: this CPU bench)
    bool scanOnly = false;     // device bench: only the scan figures
};

using Clock = std::chrono::steady_clock;

/// Median wall time in seconds of `reps` calls of fn, after one warm-up call if `warmUp`.
template <typename Fn>
double medianSeconds(int reps, Fn&& fn, bool warmUp = true) {
    if (warmUp) fn();
    std::vector<double> times;
    for (int i = 0; i < reps; ++i) {
        const auto start = Clock::now();
        fn();
        times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// A model preset (mamba-nano, ...) or the model of a shipped training preset.
train::ModelConfig resolveModel(const std::string& name) {
    const auto names = model::modelPresetNames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return model::modelPreset(name);
    try {
        return train::loadPreset(name).model;
    } catch (const Error&) {
        throw Error("unknown preset \"" + name +
                    "\" for --preset; use mamba-nano, mamba-tiny, mamba-small or a training "
                    "preset such as cifar10-v2");
    }
}

using sys::ScanArgs;

template <typename Scan>
double scanSeconds(const ScanArgs& a, int reps, Scan scan, bool warmUp = true) {
    return medianSeconds(
        reps,
        [&] {
            auto y = scan(a.u, a.delta, a.A, a.Bm, a.Cm, a.D, a.z, a.bias, true);
            y.sum().backward();
        },
        warmUp);
}

/// The rig of a timed train step: the recipe's step (step/TrainStep.h) on one fixed batch.
train::StepRig makeRig(const train::Config& config, int64_t batch, train::Precision precision) {
    return train::StepRig(config, {batch, torch::kCPU, precision});
}

/// Seconds per train step (median of `steps` after a warm-up).
double stepSeconds(const train::Config& config, int64_t batch, int64_t steps,
                   train::Precision precision) {
    auto rig = makeRig(config, batch, precision);
    return medianSeconds(static_cast<int>(steps), [&] { rig.step(); });
}

/// `--profile FILE`: one train step (after a warm-up one) under LibTorch's profiler; writes
/// the Chrome trace and prints the ops that took the most time.
void profileStep(const train::Config& config, int64_t batch, train::Precision precision,
                 const std::string& tracePath, std::ostream& out) {
    auto rig = makeRig(config, batch, precision);
    rig.step();
    const auto ops = sys::profileOps([&] { rig.step(); }, tracePath);
    double total = 0.0;
    for (const auto& op : ops) total += op.selfMs;
    out << "profile            one " << train::precisionName(precision) << " step, " << total
        << " ms in ops (trace: " << tracePath << ")\n";
    for (size_t i = 0; i < std::min<size_t>(ops.size(), 12); ++i) {
        out << "  " << std::setw(9) << ops[i].selfMs << " ms " << std::setw(6) << ops[i].calls
            << "  " << ops[i].name << "\n";
    }
}

void runBench(const BenchOptions& b, const GlobalOptions& global) {
    if (b.batchSize < 1) throw Error("--batch-size must be at least 1");
    if (b.steps < 1) throw Error("--steps must be at least 1");
    // Checked first: a bad path should not cost the minute of measurements before the profile.
    if (!b.profile.empty()) sys::requireWritableTrace(b.profile);
    train::Config config;
    config.model = resolveModel(b.preset);
    config.dropPath.enabled = false;
    config.run.device = "cpu";  // the benchmark measures this machine's CPU
    config.run.threads = global.threads;
    const int threads = train::resolveRuntime(config).threads;
    const auto o = train::modelOptions(config);
    std::ostream& out = std::cout;
    out << std::fixed << std::setprecision(2);
    out << "preset " << b.preset << ": width " << o.width << ", depth " << o.depth << ", "
        << model::parameterCount(*model::VisionMamba(o)) << " parameters; batch " << b.batchSize
        << ", " << threads << " threads" << std::endl;

    // The step's precision (--amp auto: what a run picks here) and the kernel path (MWB_CPU_ISA
    // or the CPU's best) go with every figure, so a figure names the machine that made it.
    train::AmpConfig amp;
    amp.enabled = b.amp != "fp32";
    amp.dtype = b.amp == "fp32" ? "auto" : b.amp;
    const auto choice = train::resolvePrecision(amp, sys::computeTarget(torch::kCPU));
    const auto machine = train::machineInfo(torch::kCPU, threads, choice);
    const auto& cpu = sys::cpuFeatures();
    out << "cpu                " << (cpu.model.empty() ? cpu.arch : cpu.model) << ": "
        << cpu.summary() << "; kernels " << ops::cpuIsaName(ops::activeCpuIsa()) << "\n"
        << "step precision     " << train::precisionName(choice.precision) << " ("
        << choice.reason << ")\n";

    const double gemm = sys::measureGemmGflops(1024, 0.5);
    out << "fp32 GEMM          " << gemm << " GFLOP/s (1024x1024)" << std::endl;

    const double stepF = stepSeconds(config, b.batchSize, b.steps, train::Precision::fp32);
    const double stepH = stepSeconds(config, b.batchSize, b.steps, train::Precision::bf16);
    const double ipsF = static_cast<double>(b.batchSize) / stepF;
    const double ipsH = static_cast<double>(b.batchSize) / stepH;
    // Read before the scan comparison: the reference scan's autograd graph is far larger
    // than a train step's, and the peak must describe training.
    const double rss = peakRssMb();
    const auto argsF = sys::modelScanArgs(o, b.batchSize, torch::kFloat);
    const double fused = scanSeconds(argsF, 5, ops::selectiveScan);
    // The reference takes seconds per call and has nothing to warm up: one timed call.
    const double reference = scanSeconds(argsF, 1, ops::selectiveScanReference, false);
    const auto argsH = sys::modelScanArgs(o, b.batchSize, torch::kBFloat16);
    const double fusedBf16 = scanSeconds(argsH, 5, ops::selectiveScan);
    out << "scan fwd+bwd       fused " << fused * 1e3 << " ms (bf16 " << fusedBf16 * 1e3
        << " ms), reference " << reference * 1e3 << " ms: " << reference / fused << "x\n";
    // Every kernel path this CPU runs, timed in this one run, so their ratios are fair.
    nlohmann::json byIsa = nlohmann::json::object();
    out << "scan per path     ";
    for (const auto isa : ops::supportedCpuIsas(cpu)) {
        const ops::ScopedCpuIsa path(isa);
        const double f = scanSeconds(argsF, 5, ops::selectiveScan);
        const double h = scanSeconds(argsH, 5, ops::selectiveScan);
        byIsa[ops::cpuIsaName(isa)] = {{"fp32_ms", f * 1e3}, {"bf16_ms", h * 1e3}};
        out << " " << ops::cpuIsaName(isa) << " " << f * 1e3 << " ms (bf16 " << h * 1e3 << ")";
    }
    out << "\n";

    // The step figure is at the precision --amp picks (auto: what a run picks); both are printed.
    const bool bf16 = choice.precision == train::Precision::bf16;
    const double ips = bf16 ? ipsH : ipsF;
    const double scansPerStep = static_cast<double>(o.depth) * (o.bidirectional ? 2.0 : 1.0);
    const double scanShare = scansPerStep * (bf16 ? fusedBf16 : fused) / (bf16 ? stepH : stepF);
    const double flops = model::trainingFlopsPerImage(o);
    const double mfu = flops * ips / (gemm * 1e9);
    out << "train step         fp32 " << ipsF << " images/s, bf16 autocast " << ipsH
        << " images/s\n"
        << "scan share         " << scanShare * 100 << "% of a " << (bf16 ? "bf16" : "fp32")
        << " step (" << scansPerStep << " scans)\n"
        << "model FLOPs        " << flops / 1e9 << " GFLOP per image (fwd+bwd)\n"
        << "MFU                " << mfu * 100 << "%\n"
        << "peak RSS           " << rss << " MB\n";
    if (!b.profile.empty()) profileStep(config, b.batchSize, choice.precision, b.profile, out);
    if (b.json) {
        nlohmann::json j = {{"preset", b.preset},
                            {"batch_size", b.batchSize},
                            {"threads", threads},
                            {"gemm_gflops", gemm},
                            {"scan_fused_ms", fused * 1e3},
                            {"scan_fused_bf16_ms", fusedBf16 * 1e3},
                            {"scan_reference_ms", reference * 1e3},
                            {"scan_speedup", reference / fused},
                            {"images_per_s", ips},
                            {"images_per_s_fp32", ipsF},
                            {"images_per_s_bf16", ipsH},
                            {"amp_dtype", train::precisionName(choice.precision)},
                            {"faster_precision", ipsH > ipsF ? "bf16" : "fp32"},
                            {"cpu_isa", ops::cpuIsaName(ops::activeCpuIsa())},
                            {"scan_fused_ms_by_isa", byIsa},
                            {"machine", machine},
                            {"scan_share", scanShare},
                            {"training_gflops_per_image", flops / 1e9},
                            {"peak_rss_mb", rss},
                            {"mfu", mfu}};
        out << j.dump() << std::endl;
    }
}

/// `bench --device D`: train steps and the scan paths timed on the device (CUDA events on a
/// GPU), peak memory from the caching allocator (the resident-set peak on the CPU).
void runDeviceBenchCommand(const BenchOptions& b, const GlobalOptions& global) {
    sys::configureThreads(global.threads);
    train::Config config;
    config.model = resolveModel(b.preset);
    sys::DeviceBenchOptions d;
    d.config = config;
    d.batch = b.batchSize;
    d.steps = b.steps;
    try {
        d.device = torch::Device(b.device);
    } catch (const std::exception&) {
        throw Error("unknown --device '" + b.device + "'; use cpu, cuda or cuda:N");
    }
    if (d.device.is_cuda() && !torch::cuda::is_available()) {
        throw Error("--device " + b.device + ": no CUDA device is available (this LibTorch "
                    "build or machine has none)");
    }
    d.trainStep = !b.scanOnly;
    d.logDepthScan = d.device.is_cuda();  // on a CPU it would take minutes and GiBs
    const auto f = sys::runDeviceBench(d);
    auto& out = std::cout;
    const double mib = 1.0 / (1 << 20);
    out << std::fixed << std::setprecision(2) << "device             " << f.device << "\n";
    if (d.trainStep) {
        out << "train step         " << f.stepMs << " ms (" << f.precision << "), "
            << f.imagesPerSecond << " images/s, CIFAR-10 epoch " << f.cifarEpochSeconds << " s\n"
            << "step peak memory   " << static_cast<double>(f.stepPeakBytes) * mib << " MiB\n";
    }
    out << "scan fwd+bwd       (B " << b.batchSize << ", D " << f.scanChannels << ", L "
        << f.scanTokens << ") fused " << f.scanFusedMs << " ms / "
        << static_cast<double>(f.scanFusedExtraBytes) * mib << " MiB, chunked " << f.scanChunkedMs
        << " ms / " << static_cast<double>(f.scanChunkedExtraBytes) * mib << " MiB";
    if (f.scanLogDepthMs >= 0) {
        out << ", log-depth " << f.scanLogDepthMs << " ms / "
            << static_cast<double>(f.scanLogDepthExtraBytes) * mib << " MiB ("
            << f.scanLogDepthMs / f.scanFusedMs << "x the fused)";
    }
    out << "\n";
    if (b.json) out << sys::toJson(f) << std::endl;
}

/// `bench --data`: the full V2 training transform through the DataLoader, on one worker and
/// on every core.
void runDataBench(const BenchOptions& b, const GlobalOptions& global) {
    train::Config config = train::loadPreset("cifar10-v2");
    config.run.device = "cpu";
    config.run.threads = global.threads;
    const train::Runtime runtime = train::resolveRuntime(config);
    const int threads = runtime.threads;
    std::string name;
    const data::Dataset dataset = data::pipelineBenchDataset(data::resolveDataDir(b.dataDir), &name);
    const int64_t all = sys::hardwareThreads();
    const auto transform = train::makeTrainTransform(config, data::normalizationFor(dataset));
    const auto rate = [&](int64_t workers) {
        data::LoaderOptions o = train::loaderOptions(config, runtime);
        o.workers = workers;
        return data::measurePipelineImagesPerSecond(dataset, transform, o, b.images);
    };
    const double one = rate(1);
    const double many = rate(all);
    auto& out = std::cout;
    out << std::fixed << std::setprecision(0) << "data set           " << name << "\n"
        << "transform          crop+flip+AutoAugment(cifar10)+normalize+erasing, batch "
        << config.data.batchSize << "\n"
        << "1 worker           " << one << " images/s\n"
        << all << " workers          " << many << " images/s (" << many / all
        << " per core)\n";
    if (b.json) {
        nlohmann::json j = {{"dataset", name},
                            {"threads", threads},
                            {"images_per_s_1_worker", one},
                            {"workers", all},
                            {"images_per_s_all_workers", many},
                            {"images_per_s_per_core", many / all},
                            {"machine", train::machineInfo(torch::kCPU, threads,
                                                           train::resolvePrecision(
                                                               config.amp, sys::computeTarget(torch::kCPU)))}};
        out << j.dump() << std::endl;
    }
}

}  // namespace

void addBenchCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand(
        "bench", "measure GEMM speed, the fused scan, train-step speed, memory and MFU");
    auto o = std::make_shared<BenchOptions>();
    cmd->add_option("--preset", o->preset, "mamba-nano, mamba-tiny, mamba-small or a training preset")
        ->capture_default_str();
    cmd->add_option("--batch-size", o->batchSize, "images per train step")->capture_default_str();
    cmd->add_option("--steps", o->steps, "timed train steps per precision")->capture_default_str();
    cmd->add_flag("--json", o->json, "end with one line of JSON holding every figure");
    cmd->add_option("--amp", o->amp,
                    "precision of the reported step and the profile: auto (what a run picks "
                    "here), fp32 or bf16")
        ->check(CLI::IsMember({"auto", "fp32", "bf16"}))
        ->capture_default_str();
    cmd->add_option("--profile", o->profile,
                    "also profile one train step: Chrome trace to this file, top ops printed");
    cmd->add_flag("--data", o->data, "measure the V2 input pipeline (images/s) instead");
    cmd->add_option("--data-dir", o->dataDir, "data directory holding CIFAR-10 (--data)");
    cmd->add_option("--images", o->images, "images per pipeline measurement (--data)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--device", o->device,
                    "time on this device (cpu, cuda, cuda:N) with device timers and peak memory "
                    "instead of the CPU figures above");
    cmd->add_flag("--scan-only", o->scanOnly, "with --device: only the scan paths");
    cmd->callback([o, &global] {
        if (o->data) return runDataBench(*o, global);
        if (!o->device.empty()) return runDeviceBenchCommand(*o, global);
        runBench(*o, global);
    });
}

}  // namespace mwb::cli
