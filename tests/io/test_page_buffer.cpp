// io::PageBuffer (the memory a weights file is parsed from) and the HDF5 reader's page release: loading a model
// gives each weight's pages back once the weight is copied out, so the file's bytes and the weights are not
// both resident (src/io/page_buffer.hpp).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_file.hpp"
#include "io/page_buffer.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

const std::size_t kPage = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

// Which of the buffer's pages are resident (mincore).
std::vector<bool> resident_pages(const io::PageBuffer& buffer) {
  std::vector<unsigned char> flags(buffer.size() / kPage);
  EXPECT_EQ(mincore(const_cast<unsigned char*>(buffer.data()), buffer.size(), flags.data()), 0);
  std::vector<bool> out;
  for (unsigned char f : flags) out.push_back((f & 1) != 0);
  return out;
}

TEST(PageBuffer, ReleaseGivesBackTheWholePagesInsideTheRangeOnly) {
  io::PageBuffer buffer(8 * kPage);
  std::fill(buffer.data(), buffer.data() + buffer.size(), 0xAB);
  ASSERT_EQ(resident_pages(buffer), std::vector<bool>(8, true));

  // From the middle of page 1 to the middle of page 5: pages 2, 3 and 4 are whole inside it.
  buffer.release(buffer.bytes().subspan(kPage + kPage / 2, 4 * kPage));
  EXPECT_EQ(resident_pages(buffer), (std::vector<bool>{true, true, false, false, false, true, true, true}));
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    const bool released = i >= 2 * kPage && i < 5 * kPage;
    ASSERT_EQ(buffer.data()[i], released ? 0 : 0xAB) << "byte " << i;
  }
}

TEST(PageBuffer, RangesSmallerThanAPageOrNotItsOwnAreLeftAlone) {
  io::PageBuffer buffer(4 * kPage);
  std::fill(buffer.data(), buffer.data() + buffer.size(), 7);
  buffer.release(buffer.bytes().subspan(10, kPage - 20));  // inside page 0, no whole page
  buffer.release(buffer.bytes().subspan(kPage + 1, kPage));  // a page long, across pages 1 and 2, neither whole
  std::vector<unsigned char> elsewhere(4 * kPage, 7);
  buffer.release(std::span<const unsigned char>(elsewhere));  // another object's bytes
  EXPECT_EQ(resident_pages(buffer), std::vector<bool>(4, true));
  EXPECT_TRUE(std::all_of(buffer.data(), buffer.data() + buffer.size(), [](unsigned char b) { return b == 7; }));
  EXPECT_TRUE(std::all_of(elsewhere.begin(), elsewhere.end(), [](unsigned char b) { return b == 7; }));
}

TEST(PageBuffer, ResizeKeepsTheBytesAndZeroesTheNewOnes) {
  io::PageBuffer buffer(0);
  EXPECT_EQ(buffer.size(), 0u);
  buffer.resize(3000);
  for (std::size_t i = 0; i < 3000; ++i) buffer.data()[i] = static_cast<unsigned char>(i * 7);
  buffer.resize(5 * kPage + 3);
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    ASSERT_EQ(buffer.data()[i], i < 3000 ? static_cast<unsigned char>(i * 7) : 0) << "byte " << i;
  }
  buffer.resize(100);
  EXPECT_EQ(buffer.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) ASSERT_EQ(buffer.data()[i], static_cast<unsigned char>(i * 7));
  io::PageBuffer moved = std::move(buffer);
  EXPECT_EQ(moved.size(), 100u);
  EXPECT_EQ(moved.data()[99], static_cast<unsigned char>(99 * 7));
}

std::vector<unsigned char> fixture(const char* name) {
  std::ifstream in(std::filesystem::path(INLAY_FIXTURES_DIR) / "hdf5" / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Hdf5PageRelease, EachDatasetIsHandedBackOnceReadAndCannotBeReadAgain) {
  const std::vector<unsigned char> bytes = fixture("latest.h5");
  std::vector<std::span<const unsigned char>> handed_back;
  const auto release = [&](std::span<const unsigned char> done) { handed_back.push_back(done); };
  const hdf5::Hdf5File file = hdf5::Hdf5File::open(bytes, "latest.h5", "latest.h5", release);
  const hdf5::Hdf5File plain = hdf5::Hdf5File::open(bytes, "latest.h5", "latest.h5");

  // h5py wrote numbers/le_float32, a (2, 3) float32 dataset, contiguous at byte 6156 (h5py's get_offset()).
  std::vector<float> values(6), reference(6);
  file.root().child("numbers").child("le_float32").read_as_float32(values);
  plain.root().child("numbers").child("le_float32").read_as_float32(reference);
  EXPECT_EQ(values, reference);
  ASSERT_EQ(handed_back.size(), 1u);
  EXPECT_EQ(handed_back[0].data() - bytes.data(), 6156);
  EXPECT_EQ(handed_back[0].size(), 24u);

  // A second read would see bytes their owner may have zeroed: refused, naming why.
  try {
    file.root().child("numbers").child("le_float32").read_as_float32(values);
    ADD_FAILURE() << "a dataset read twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::ParseError);
    EXPECT_NE(std::string(e.what()).find("already read"), std::string::npos) << e.what();
  }
  // The other datasets read as before, and a file opened without a release reads as often as asked.
  std::vector<float> other(6), other_reference(6);
  file.root().child("numbers").child("le_int32").read_as_float32(other);
  plain.root().child("numbers").child("le_int32").read_as_float32(other_reference);
  EXPECT_EQ(other, other_reference);
  EXPECT_EQ(handed_back.size(), 2u);
  plain.root().child("numbers").child("le_float32").read_as_float32(reference);
  EXPECT_EQ(values, reference);
}

}  // namespace
}  // namespace inlay::core
