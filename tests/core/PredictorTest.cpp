// mambawb predict on real Fashion-MNIST test images written out as PNG files: the same top-1
// and probabilities as eval gives the same images from the IDX files, TTA as eval's, grey to
// RGB and resizing as the data set was prepared, lists of paths, damaged files, labelled
// folders, and the columns of the files written.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "TestFiles.h"
#include "mwb/config/Presets.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/data/ImagePaths.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/step/ModelOptions.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/PredictionFiles.h"
#include "mwb/train/Predictor.h"
#include "mwb/train/Trainer.h"

namespace fs = std::filesystem;
using namespace mwb;

namespace {

constexpr int64_t kImages = 300;  // the first test images; eval's data.test_limit

// A checkpoint of a small fashion-quick model trained for one epoch on 1024 images, so that
// its answers differ from image to image. fp32, so that a batch's other images cannot change
// an image's probabilities beyond float rounding.
const std::string& trainedCheckpoint() {
    static const std::string path = [] {
        train::Config c = train::loadPreset("fashion-quick");
        c.model.depth = 2;
        c.model.width = 32;
        c.data.trainLimit = 1024;
        c.data.testLimit = kImages;
        c.data.batchSize = 64;
        c.schedule.epochs = 1;
        c.amp.enabled = false;
        c.run.threads = 2;
        // ctest runs each test in its own process, maybe at once: each trains in its own folder.
        c.run.outDir = test::tempDir(std::string("predictor-run-") +
                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
        train::TrainListener quiet;
        train::RunControl control;
        train::Trainer trainer(c, quiet, control);
        trainer.run();
        return trainer.runDirectory() + "/checkpoints/last.pt";
    }();
    return path;
}

// A checkpoint with fresh weights for `config` (nothing trained: for exact comparisons).
std::string freshCheckpoint(const train::Config& config, const std::string& path) {
    torch::manual_seed(3);
    auto model = train::makeModel(config);
    io::Checkpoint checkpoint;
    checkpoint.state.config = config;
    checkpoint.model = io::captureTensors(*model);
    io::writeCheckpoint(path, checkpoint);
    return path;
}

const data::Dataset& testImages() {
    static const data::Dataset d = data::readFashionMnist(data::fashionMnistDir(), false).first(kImages);
    return d;
}

// Image i of the test split as a grey PNG; `folder(i)` names its folder.
void writePng(const std::string& path, int64_t i) {
    fs::create_directories(fs::path(path).parent_path());
    ASSERT_TRUE(cv::imwrite(path, testImages().image(i).clone())) << path;
}

std::string pngName(int64_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "%05lld.png", static_cast<long long>(i));
    return name;
}

// The first kImages test images as <dir>/00000.png..., so that sorted paths are row order.
std::string writeFlatFolder(const std::string& dir) {
    for (int64_t i = 0; i < kImages; ++i) writePng(dir + "/" + pngName(i), i);
    return dir;
}

// The same images in <dir>/<class folder>/NNNNN.png.
std::string writeLabelledFolder(const std::string& dir) {
    const auto& d = testImages();
    for (int64_t i = 0; i < kImages; ++i)
        writePng(dir + "/" + data::classFolderName(d.classNames[static_cast<size_t>(d.label(i))]) + "/" + pngName(i), i);
    return dir;
}

// Collects every answer of a prediction.
struct Collected : train::PredictListener {
    std::vector<train::ImagePrediction> rows;
    std::vector<std::string> skipped, logs;
    void onPredictions(const std::vector<train::ImagePrediction>& batch) override {
        rows.insert(rows.end(), batch.begin(), batch.end());
    }
    void onSkipped(const std::string& path, const std::string&) override { skipped.push_back(path); }
    void onLog(const std::string& line) override { logs.push_back(line); }
};

// eval's probabilities per test row.
std::map<int64_t, std::vector<float>> evalProbabilities(const std::string& checkpoint, int64_t tta,
                                                        train::EvalReport* report = nullptr) {
    std::map<int64_t, std::vector<float>> byRow;
    train::EvalOptions o;
    o.ttaViews = tta;
    o.threads = 2;
    o.onBatch = [&](const train::BatchProbabilities& b) {
        const auto p = b.probabilities.contiguous();
        for (int64_t i = 0; i < p.size(0); ++i)
            byRow[b.rows[i].item<int64_t>()].assign(p[i].data_ptr<float>(), p[i].data_ptr<float>() + p.size(1));
    };
    auto evaluation = train::evaluateCheckpoint(checkpoint, o);
    if (report) *report = evaluation.report;
    return byRow;
}

train::PredictOptions allClasses(int64_t tta = 1) {
    train::PredictOptions o;
    o.topK = 10;
    o.ttaViews = tta;
    o.threads = 2;
    return o;
}

// Every image's probability of every class, from a prediction of all 10 classes.
std::vector<float> byClass(const train::ImagePrediction& a) {
    std::vector<float> p(10, -1.0f);
    for (size_t j = 0; j < a.classes.size(); ++j) p[static_cast<size_t>(a.classes[j])] = a.probabilities[j];
    return p;
}

void expectSameProbabilities(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (size_t c = 0; c < a.size(); ++c) EXPECT_NEAR(a[c], b[c], 1e-5) << what << " class " << c;
}

// Runs mambawb with `args`; its exit status, standard output and standard error.
struct CliRun {
    int status;
    std::string out, err;
};
CliRun runCli(const std::string& args, const std::string& dir) {
    const std::string out = dir + "/cli.out", err = dir + "/cli.err";
    const std::string cmd = test::cliProgram() + " --threads 2 " + args + " > " + out + " 2> " + err;
    const int raw = std::system(cmd.c_str());
    auto read = [](const std::string& p) {
        std::ifstream in(p);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read(out), read(err)};
}

std::vector<std::vector<std::string>> readCsv(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::stringstream s(line);
        for (std::string c; std::getline(s, c, ',');) cells.push_back(c);
        rows.push_back(cells);
    }
    return rows;
}

}  // namespace

TEST(Predictor, PngFilesGetEvalsProbabilities) {
    const std::string dir = test::tempDir("predictor-flat");
    writeFlatFolder(dir + "/images");
    const auto evalRows = evalProbabilities(trainedCheckpoint(), 1);
    ASSERT_EQ(evalRows.size(), static_cast<size_t>(kImages));

    const train::Predictor predictor(trainedCheckpoint(), allClasses());
    const auto list = predictor.listImages({dir + "/images"});
    EXPECT_TRUE(list.labels.empty()) << "a folder without class folders has no labels";
    Collected got;
    const auto summary = predictor.predict(list, got);
    EXPECT_EQ(summary.images, kImages);
    EXPECT_EQ(summary.skipped, 0);
    ASSERT_EQ(got.rows.size(), static_cast<size_t>(kImages));
    std::set<int64_t> predicted;
    for (int64_t i = 0; i < kImages; ++i) {
        const auto& a = got.rows[static_cast<size_t>(i)];
        EXPECT_EQ(a.index, i);
        EXPECT_EQ(fs::path(a.path).filename().string(), pngName(i));
        const auto& e = evalRows.at(i);
        const auto top1 = std::max_element(e.begin(), e.end()) - e.begin();
        EXPECT_EQ(a.classes[0], top1) << a.path;
        expectSameProbabilities(byClass(a), e, a.path);
        predicted.insert(a.classes[0]);
    }
    EXPECT_GE(predicted.size(), 3u) << "the trained model answers differently for different images";
}

TEST(Predictor, CommandLineAgreesWithEvalPredictions) {
    const std::string dir = test::tempDir("predictor-cli");
    writeFlatFolder(dir + "/images");
    const auto predict = runCli("predict --checkpoint " + trainedCheckpoint() + " --top-k 10 --out " + dir +
                                    "/predict.csv " + dir + "/images",
                                dir);
    ASSERT_EQ(predict.status, 0) << predict.err;
    EXPECT_NE(predict.out.find("predicted 300 images"), std::string::npos) << predict.out;
    const auto eval = runCli("eval --checkpoint " + trainedCheckpoint() + " --predictions " + dir + "/eval.csv", dir);
    ASSERT_EQ(eval.status, 0) << eval.err;

    const auto p = readCsv(dir + "/predict.csv"), e = readCsv(dir + "/eval.csv");
    ASSERT_EQ(p.size(), static_cast<size_t>(kImages + 1));
    ASSERT_EQ(e.size(), static_cast<size_t>(kImages + 1));
    // Headers: timm's inference.py columns, and eval's per-image columns.
    ASSERT_EQ(p[0].size(), 31u);
    EXPECT_EQ(p[0][0], "filename");
    EXPECT_EQ(p[0][1], "index_0");
    EXPECT_EQ(p[0][11], "label_0");
    EXPECT_EQ(p[0][21], "prob_0");
    EXPECT_EQ(p[0][30], "prob_9");
    ASSERT_EQ(e[0].size(), 16u);
    EXPECT_EQ((std::vector<std::string>(e[0].begin(), e[0].begin() + 7)),
              (std::vector<std::string>{"row", "true_index", "true_label", "index_0", "label_0", "loss", "prob_class_0"}));
    for (int64_t i = 1; i <= kImages; ++i) {
        const auto& pr = p[static_cast<size_t>(i)];
        const auto& er = e[static_cast<size_t>(i)];
        EXPECT_EQ(er[0], std::to_string(i - 1));
        EXPECT_EQ(fs::path(pr[0]).filename().string(), pngName(i - 1));
        EXPECT_EQ(pr[1], er[3]) << "top-1 of image " << i - 1;
        EXPECT_EQ(pr[11], er[4]);
        EXPECT_EQ(er[1], std::to_string(testImages().label(i - 1)));
        for (int j = 0; j < 10; ++j) {
            const int c = std::stoi(pr[static_cast<size_t>(1 + j)]);
            EXPECT_NEAR(std::stod(pr[static_cast<size_t>(21 + j)]), std::stod(er[static_cast<size_t>(6 + c)]), 1e-5)
                << "image " << i - 1 << " class " << c;
        }
        const double loss = -std::log(std::stod(er[static_cast<size_t>(6 + std::stoi(er[1]))]));
        EXPECT_NEAR(std::stod(er[5]), loss, 1e-5);
    }
}

TEST(Predictor, LabelledFolderGivesEvalsAccuracyAndSkipsADamagedFile) {
    const std::string dir = test::tempDir("predictor-labelled");
    writeLabelledFolder(dir + "/images");
    // A PNG cut after its header: named and skipped, every other image predicted.
    const auto anyBag = [&] {
        for (const auto& e : fs::directory_iterator(dir + "/images/Bag")) return e.path().string();
        return std::string();
    }();
    std::ifstream in(anyBag, std::ios::binary);
    std::vector<uint8_t> head(40);
    in.read(reinterpret_cast<char*>(head.data()), 40);
    const std::string damaged = dir + "/images/Bag/zz-damaged.png";
    test::writeBytes(damaged, head);

    train::EvalReport evalReport;
    evalProbabilities(trainedCheckpoint(), 1, &evalReport);
    const auto cli = runCli("predict --checkpoint " + trainedCheckpoint() + " --out " + dir + "/predict.csv " +
                                dir + "/images",
                            dir);
    EXPECT_EQ(cli.status, 3) << "some files skipped\n" << cli.err;
    EXPECT_NE(cli.err.find("skipped: " + damaged), std::string::npos) << cli.err;
    char top1[64];
    std::snprintf(top1, sizeof top1, "top-1     %.2f%%", 100 * evalReport.top1);
    EXPECT_NE(cli.out.find(top1), std::string::npos) << "eval: " << top1 << "\npredict:\n" << cli.out;
    EXPECT_NE(cli.out.find("images    300\n"), std::string::npos) << cli.out;

    // The engine: the same counts as eval, per class and in the confusion matrix.
    const train::Predictor predictor(trainedCheckpoint(), allClasses());
    const auto list = predictor.listImages({dir + "/images"});
    ASSERT_EQ(list.labels.size(), static_cast<size_t>(kImages + 1));
    Collected got;
    const auto summary = predictor.predict(list, got);
    ASSERT_EQ(got.skipped, (std::vector<std::string>{damaged}));
    EXPECT_EQ(summary.images, kImages);
    ASSERT_TRUE(summary.labelled);
    EXPECT_EQ(summary.accuracy.confusion, evalReport.confusion);
    EXPECT_DOUBLE_EQ(summary.accuracy.top1, evalReport.top1);
    EXPECT_DOUBLE_EQ(summary.accuracy.top5, evalReport.top5);
    EXPECT_EQ(summary.accuracy.perClassAccuracy, evalReport.perClassAccuracy);
    // The confusion matrix beside --out.
    const auto confusion = readCsv(dir + "/predict-confusion.csv");
    ASSERT_EQ(confusion.size(), 11u);
    EXPECT_EQ(confusion[0][0], "true\\predicted");
    EXPECT_EQ(confusion[1][0], "T-shirt/top");
    EXPECT_EQ(confusion[1][1], std::to_string(evalReport.confusion[0][0]));
    // A labelled CSV names each image's class.
    const auto rows = readCsv(dir + "/predict.csv");
    EXPECT_EQ((std::vector<std::string>(rows[0].begin(), rows[0].begin() + 4)),
              (std::vector<std::string>{"filename", "true_index", "true_label", "index_0"}));
}

TEST(Predictor, TtaIsEvalsTta) {
    const std::string dir = test::tempDir("predictor-tta");
    writeFlatFolder(dir + "/images");
    const auto evalRows = evalProbabilities(trainedCheckpoint(), 5);
    const train::Predictor predictor(trainedCheckpoint(), allClasses(5));
    Collected got;
    predictor.predict(predictor.listImages({dir + "/images"}), got);
    ASSERT_EQ(got.rows.size(), static_cast<size_t>(kImages));
    const auto plain = evalProbabilities(trainedCheckpoint(), 1);
    bool viewsChangedSomething = false;
    for (const auto& a : got.rows) {
        expectSameProbabilities(byClass(a), evalRows.at(a.index), a.path);
        for (size_t c = 0; c < 10; ++c)
            viewsChangedSomething |= std::abs(byClass(a)[c] - plain.at(a.index)[c]) > 1e-4;
    }
    EXPECT_TRUE(viewsChangedSomething) << "5 views gave the probabilities of one";
}

TEST(Predictor, GreyBecomesRgbAndSizesAreResizedAsTheDataSetWas) {
    // An RGB model of Fashion-MNIST: eval replicates the grey images; predict must too.
    const std::string dir = test::tempDir("predictor-rgb");
    train::Config config = train::loadPreset("fashion-quick");
    config.model.depth = 2;
    config.model.width = 32;
    config.model.inChannels = 3;
    config.data.testLimit = 8;
    config.amp.enabled = false;
    const auto checkpoint = freshCheckpoint(config, dir + "/rgb.pt");
    const auto evalRows = evalProbabilities(checkpoint, 1);

    std::vector<std::string> files;
    for (int64_t i = 0; i < 8; ++i) {
        const cv::Mat grey = testImages().image(i).clone();
        const std::string stem = dir + "/" + std::to_string(i);
        ASSERT_TRUE(cv::imwrite(stem + "-grey.png", grey));
        cv::Mat colour, big;
        cv::cvtColor(grey, colour, cv::COLOR_GRAY2BGR);
        ASSERT_TRUE(cv::imwrite(stem + "-colour.png", colour));
        // Twice the size, each pixel a 2x2 block: shrinking by area gives the image back.
        cv::resize(grey, big, cv::Size(56, 56), 0, 0, cv::INTER_NEAREST);
        ASSERT_TRUE(cv::imwrite(stem + "-big.png", big));
        for (const char* kind : {"-grey.png", "-colour.png", "-big.png"}) files.push_back(stem + kind);
    }
    train::PredictOptions o = allClasses();
    const train::Predictor predictor(checkpoint, o);
    Collected got;
    predictor.predict(predictor.listImages(files), got);
    ASSERT_EQ(got.rows.size(), files.size());
    for (const auto& a : got.rows) expectSameProbabilities(byClass(a), evalRows.at(a.index / 3), a.path);
}

TEST(Predictor, ListOfPathsInItsOrderRelativeToItsFolder) {
    const std::string dir = test::tempDir("predictor-list");
    for (int64_t i : {4, 1, 7}) writePng(dir + "/pics/" + pngName(i), i);
    test::writeText(dir + "/list.txt", "# three images\npics/" + pngName(4) + "\n\n  pics/" + pngName(1) +
                                           "  \n" + dir + "/pics/" + pngName(7) + "\n");
    const auto list = data::collectImages({dir + "/list.txt"});
    EXPECT_EQ(list.paths, (std::vector<std::string>{dir + "/pics/" + pngName(4), dir + "/pics/" + pngName(1),
                                                    dir + "/pics/" + pngName(7)}));
    const train::Predictor predictor(trainedCheckpoint(), allClasses());
    Collected got;
    const auto summary = predictor.predict(list, got);
    ASSERT_EQ(got.rows.size(), 3u);
    EXPECT_EQ(got.rows[2].path, dir + "/pics/" + pngName(7));
    EXPECT_EQ(summary.images, 3);
    // A listed file that has gone is skipped like a damaged one.
    test::writeText(dir + "/gone.txt", "pics/" + pngName(4) + "\npics/nope.png\n");
    Collected withGone;
    const auto s2 = predictor.predict(data::collectImages({dir + "/gone.txt"}), withGone);
    EXPECT_EQ(s2.images, 1);
    EXPECT_EQ(withGone.skipped, (std::vector<std::string>{dir + "/pics/nope.png"}));
}

TEST(Predictor, EmptyFolderAndMissingPathSayWhatToGive) {
    const std::string dir = test::tempDir("predictor-empty");
    fs::create_directories(dir + "/empty/sub");
    test::expectError([&] { data::collectImages({dir + "/empty"}); },
                      {dir + "/empty", "no images", ".png", "sub-folders"});
    test::expectError([&] { data::collectImages({dir + "/nope.png"}); }, {dir + "/nope.png", "no such file"});
    test::writeText(dir + "/list.txt", "# nothing\n\n");
    test::expectError([&] { data::collectImages({dir + "/list.txt"}); }, {"list.txt", "names no images"});
    // The command line: exit 2 and one error line; a file that is no checkpoint likewise.
    const auto cli = runCli("predict --checkpoint " + trainedCheckpoint() + " " + dir + "/empty", dir);
    EXPECT_EQ(cli.status, 2);
    EXPECT_NE(cli.err.find("error: " + dir + "/empty: no images"), std::string::npos) << cli.err;
    const auto notCheckpoint = runCli("predict --checkpoint " + dir + "/list.txt " + dir + "/list.txt", dir);
    EXPECT_EQ(notCheckpoint.status, 2);
    EXPECT_NE(notCheckpoint.err.find("error: "), std::string::npos) << notCheckpoint.err;
}

TEST(Predictor, DataSetWithOtherClassesIsRefused) {
    // A CIFAR-100 model pointed at CIFAR-10's files: 100 outputs, 10 classes.
    const std::string dir = test::tempDir("predictor-classes");
    test::writeCifar10(dir + "/data/cifar-10-batches-bin", 2);
    train::Config config = train::loadPreset("cifar10-v2");
    config.model.depth = 1;
    config.model.width = 32;
    config.model.numClasses = 100;
    config.data.dir = dir + "/data";
    const auto checkpoint = freshCheckpoint(config, dir + "/c100.pt");
    test::expectError([&] { const train::Predictor predictor(checkpoint, allClasses()); },
                      {checkpoint, "100 classes", "has 10", "--data-dir"});
}

TEST(PredictionFiles, CsvAndJsonColumns) {
    train::ImagePrediction a;
    a.index = 0;
    a.path = "dir/a,b.png";  // a comma: the cell is quoted
    a.label = 1;
    a.classes = {1, 0};
    a.probabilities = {0.75f, 0.25f};
    const std::vector<std::string> classes{"cat", "dog \"big\""};
    std::ostringstream csv;
    train::PredictionWriter(csv, train::PredictionFormat::Csv, classes, 5, false).write({a});
    EXPECT_EQ(csv.str(), "filename,index_0,index_1,label_0,label_1,prob_0,prob_1\n"
                         "\"dir/a,b.png\",1,0,\"dog \"\"big\"\"\",cat,0.75,0.25\n");
    std::ostringstream labelled;
    train::PredictionWriter(labelled, train::PredictionFormat::Csv, classes, 1, true).write({a});
    EXPECT_EQ(labelled.str().substr(0, labelled.str().find('\n')), "filename,true_index,true_label,index_0,label_0,prob_0");
    std::ostringstream jsonl;
    train::PredictionWriter(jsonl, train::PredictionFormat::JsonLines, classes, 2, true).write({a, a});
    std::istringstream lines(jsonl.str());
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line);
        EXPECT_EQ(j.at("filename"), "dir/a,b.png");
        EXPECT_EQ(j.at("true_label"), "dog \"big\"");
        EXPECT_EQ(j.at("index"), nlohmann::json({1, 0}));
        EXPECT_EQ(j.at("label"), nlohmann::json({"dog \"big\"", "cat"}));
        EXPECT_EQ(j.at("prob"), nlohmann::json({0.75, 0.25}));
        ++n;
    }
    EXPECT_EQ(n, 2);
    EXPECT_EQ(train::predictionFormatFor("x/p.jsonl"), train::PredictionFormat::JsonLines);
    EXPECT_EQ(train::predictionFormatFor("x/p.csv"), train::PredictionFormat::Csv);

    // eval's rows: with paths (an image folder) the file follows the row.
    data::Dataset split;
    split.classNames = {"cat", "dog"};
    split.paths = {"a.png", "b.png"};
    std::ostringstream evalCsv;
    train::EvalPredictionWriter writer(evalCsv, train::PredictionFormat::Csv);
    writer.write({torch::tensor({1}, torch::kLong), torch::tensor({0}, torch::kLong),
                  torch::tensor({{0.25f, 0.75f}}), &split});
    EXPECT_EQ(evalCsv.str(), "row,filename,true_index,true_label,index_0,label_0,loss,prob_class_0,prob_class_1\n"
                             "1,b.png,0,cat,1,dog,1.38629436,0.25,0.75\n");
}

TEST(Predictor, ACheckpointWithItsDataCardNeedsNoDataSet) {
    // An image-folder model whose folder is gone: the card gives the classes and statistics.
    const std::string dir = test::tempDir("predictor-card");
    train::Config config = train::loadPreset("fashion-quick");
    config.model.depth = 1;
    config.model.width = 16;
    config.model.numClasses = 3;
    config.data.dataset = "folder";
    config.data.folder = dir + "/deleted-folder";
    torch::manual_seed(3);
    auto model = train::makeModel(config);
    io::Checkpoint checkpoint;
    checkpoint.state.config = config;
    checkpoint.state.classNames = {"boot", "coat", "shirt"};
    checkpoint.state.normMean = {0.25};
    checkpoint.state.normStd = {0.5};
    checkpoint.model = io::captureTensors(*model);
    io::writeCheckpoint(dir + "/card.pt", checkpoint);

    fs::create_directories(dir + "/images");
    cv::imwrite(dir + "/images/one.png", testImages().image(0));
    const train::Predictor predictor(dir + "/card.pt", allClasses());
    EXPECT_EQ(predictor.classNames(), checkpoint.state.classNames);
    EXPECT_EQ(predictor.model().normalization.mean, checkpoint.state.normMean);
    EXPECT_EQ(predictor.model().normalization.std, checkpoint.state.normStd);
    Collected got;
    const auto summary = predictor.predict(predictor.listImages({dir + "/images"}), got);
    EXPECT_EQ(summary.images, 1);
    ASSERT_EQ(got.rows.size(), 1u);
    EXPECT_EQ(got.rows[0].classes.size(), 3u);
    // Evaluation still needs the test split, and says which folder is missing.
    test::expectError([&] { train::evaluateCheckpoint(dir + "/card.pt", {}); }, {"deleted-folder"});
}
