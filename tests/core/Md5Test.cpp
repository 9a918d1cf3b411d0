#include <gtest/gtest.h>

#include <string>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/Md5.h"

using namespace mwb::data;

namespace {
std::string md5Of(const std::string& s) {
    Md5 m;
    m.update(s.data(), s.size());
    return m.hexDigest();
}
}  // namespace

TEST(Md5, Rfc1321TestSuite) {
    EXPECT_EQ(md5Of(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5Of("a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(md5Of("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(md5Of("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(md5Of("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(md5Of("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
              "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, FileDigestMatchesPiecewiseDigest) {
    mwb::test::TempDir dir;
    std::string text;
    for (int i = 0; i < 300000; ++i) text += static_cast<char>(i * 31 % 251);
    mwb::test::writeText(dir / "blob", text);
    EXPECT_EQ(md5File(dir / "blob"), md5Of(text));
    EXPECT_THROW(md5File(dir / "absent"), mwb::Error);
}
