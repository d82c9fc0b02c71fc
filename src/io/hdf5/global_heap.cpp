#include "io/hdf5/global_heap.hpp"

#include <algorithm>
#include <string>

#include "io/hdf5/byte_reader.hpp"

namespace inlay::core::hdf5 {
namespace {

constexpr const char* kGlobalHeapWhat = "global heap collection";

}  // namespace

const GlobalHeaps::Objects& GlobalHeaps::parse(std::uint64_t collection) {
  if (const auto it = collections_.find(collection); it != collections_.end()) return it->second;
  const unsigned l = file_->length_size();
  ByteReader head(*file_, file_->at(collection, 8 + l, kGlobalHeapWhat), collection, kGlobalHeapWhat);
  head.signature("GCOL");
  if (const unsigned v = head.u8(); v != 1) head.fail("version " + std::to_string(v));
  head.skip(3);
  const std::uint64_t size = head.length();
  if (size < 8 + l) head.fail("a size of " + std::to_string(size) + " bytes");
  const auto bytes = file_->at(collection, size, kGlobalHeapWhat);
  file_->charge(size);
  ByteReader r(*file_, bytes, collection, kGlobalHeapWhat);
  r.skip(8 + l);
  Objects objects;
  // Objects until the free-space object (index 0) or until no object header fits.
  while (r.remaining() >= 8 + l) {
    const std::uint64_t index = r.u16();
    r.skip(2 + 4);  // reference count, reserved
    const std::uint64_t object_size = r.length();
    if (index == 0) break;
    const auto data = r.bytes(object_size);
    // Each object's data is padded to a multiple of 8 bytes (the padding may be cut by the collection's end).
    r.skip(std::min<std::uint64_t>((8 - object_size % 8) % 8, r.remaining()));
    if (!objects.emplace(index, data).second) r.fail("two objects of index " + std::to_string(index));
  }
  return collections_.emplace(collection, std::move(objects)).first->second;
}

std::span<const unsigned char> GlobalHeaps::object(std::uint64_t collection, std::uint64_t index) {
  const Objects& objects = parse(collection);
  const auto it = objects.find(index);
  if (it == objects.end()) file_->corrupt(kGlobalHeapWhat, collection, "no object of index " + std::to_string(index));
  return it->second;
}

}  // namespace inlay::core::hdf5
