// Writes the seed corpus of the LibTorch and OpenCV readers' fuzz targets (scripts/fuzz
// --make-seeds) into <dir>/corpus/<target>/, from real data: the first images of the test split
// of Fashion-MNIST as Debian ships it (IDX files, and the same images encoded as PNG, JPEG, BMP,
// PGM, PPM, TIFF and WebP), files in the exact CIFAR binary formats, and a checkpoint written by
// the engine (ReaderSeeds.h).
//   MakeReaderSeeds <tests/fuzz> [fashion-mnist folder]

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <iostream>

#include "CheckpointRecords.h"
#include "ReaderSeeds.h"
#include "mwb/data/IdxReader.h"

namespace fs = std::filesystem;
using namespace mwb;

namespace {

fs::path corpus;

void write(const std::string& target, const std::string& name, const std::string& bytes) {
    fs::create_directories(corpus / target);
    std::ofstream(corpus / target / name, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string bigEndian(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string gzip(const std::string& bytes) {
    const fs::path tmp = fs::temp_directory_path() / "mwb-seed.gz";
    gzFile f = gzopen(tmp.c_str(), "wb9");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    const std::string out = readAll(tmp);
    fs::remove(tmp);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: MakeReaderSeeds <tests/fuzz> [fashion-mnist folder]\n";
        return 2;
    }
    corpus = fs::path(argv[1]) / "corpus";
    const fs::path fashion = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
    try {
        for (const char* t : {"CheckpointFuzz", "CheckpointPickleFuzz", "CifarFuzz", "IdxFuzz", "ImageDecodeFuzz"})
            fs::remove_all(corpus / t);

        // Checkpoints: a whole file, and its data.pkl for the pickle target.
        const fs::path small = fs::temp_directory_path() / "mwb-seed.pt";
        io::writeCheckpoint(small.string(), fuzz::smallCheckpoint());
        const std::string checkpoint = readAll(small);
        fs::remove(small);
        write("CheckpointFuzz", "small.pt", checkpoint);
        write("CheckpointPickleFuzz", "data.pkl", test::checkpointRecords(checkpoint).at("data.pkl"));

        // IDX: the first 4 test images and labels of Fashion-MNIST, plain and gzipped.
        const auto images = data::readIdx((fashion / "t10k-images-idx3-ubyte.gz").string()).slice(0, 0, 4).contiguous();
        const auto labels = data::readIdx((fashion / "t10k-labels-idx1-ubyte.gz").string()).slice(0, 0, 4).contiguous();
        const std::string pixels(static_cast<const char*>(images.data_ptr()), static_cast<size_t>(images.numel()));
        const std::string labelBytes(static_cast<const char*>(labels.data_ptr()), static_cast<size_t>(labels.numel()));
        const std::string imageIdx = std::string("\0\0\x08\x03", 4) + bigEndian(4) + bigEndian(28) + bigEndian(28) + pixels;
        const std::string labelIdx = std::string("\0\0\x08\x01", 4) + bigEndian(4) + labelBytes;
        write("IdxFuzz", "images-4.idx", imageIdx);
        write("IdxFuzz", "labels-4.idx", labelIdx);
        write("IdxFuzz", "images-4.idx.gz", gzip(imageIdx));
        write("IdxFuzz", "labels-4.idx.gz", gzip(labelIdx));

        // CIFAR: two records each, in the official layouts (label byte(s), then R, G, B planes of
        // 32x32), the planes from two Fashion-MNIST images padded to 32x32.
        std::string planes[2];
        for (int i = 0; i < 2; ++i) {
            cv::Mat grey(28, 28, CV_8UC1, static_cast<uint8_t*>(images.data_ptr()) + i * 784), padded;
            cv::copyMakeBorder(grey, padded, 2, 2, 2, 2, cv::BORDER_CONSTANT, 0);
            const std::string plane(reinterpret_cast<const char*>(padded.data), 1024);
            planes[i] = plane + plane + plane;
        }
        write("CifarFuzz", "cifar10-2.bin", std::string(1, '\0') + std::string(1, labelBytes[0]) + planes[0] +
                                               std::string(1, labelBytes[1]) + planes[1]);
        write("CifarFuzz", "cifar100-2.bin", std::string(1, '\1') + "\x03\x21" + planes[0] + "\x13\x63" + planes[1]);

        // Images: one Fashion-MNIST image in each format OpenCV reads here.
        cv::Mat grey(28, 28, CV_8UC1, images.data_ptr()), colour;
        cv::applyColorMap(grey, colour, cv::COLORMAP_JET);
        const std::pair<const char*, const cv::Mat*> encodings[] = {
            {".png", &grey}, {".jpg", &colour}, {".bmp", &colour}, {".pgm", &grey},
            {".ppm", &colour}, {".tiff", &colour}, {".webp", &colour}};
        for (const auto& [ext, image] : encodings) {
            std::vector<uchar> bytes;
            if (!cv::imencode(ext, *image, bytes)) {
                std::cerr << "MakeReaderSeeds: OpenCV cannot write " << ext << "; left out\n";
                continue;
            }
            write("ImageDecodeFuzz", std::string("fashion") + ext, std::string(bytes.begin(), bytes.end()));
        }
    } catch (const std::exception& e) {
        std::cerr << "MakeReaderSeeds: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
