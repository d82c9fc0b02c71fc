// Object headers: the list of messages that make an object a group, a dataset or a named datatype. Version 1
// headers (16-byte prefix, 8-byte aligned messages, continuation chunks of bare messages) and version 2 headers
// ("OHDR", continuation chunks "OCHK", each with a lookup3 checksum that is verified). Continuation chunks are
// followed once each (a chunk listed twice is a corrupt file, so cycles end there), and every chunk must lie
// inside the file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "io/hdf5/file_image.hpp"

namespace inlay::core::hdf5 {

// Object header message types (HDF5 file format specification, section IV.A.2).
namespace message_type {
inline constexpr std::uint16_t kNil = 0x00;
inline constexpr std::uint16_t kDataspace = 0x01;
inline constexpr std::uint16_t kLinkInfo = 0x02;
inline constexpr std::uint16_t kDatatype = 0x03;
inline constexpr std::uint16_t kFillValueOld = 0x04;
inline constexpr std::uint16_t kFillValue = 0x05;
inline constexpr std::uint16_t kLink = 0x06;
inline constexpr std::uint16_t kExternalFiles = 0x07;
inline constexpr std::uint16_t kLayout = 0x08;
inline constexpr std::uint16_t kGroupInfo = 0x0a;
inline constexpr std::uint16_t kFilterPipeline = 0x0b;
inline constexpr std::uint16_t kAttribute = 0x0c;
inline constexpr std::uint16_t kContinuation = 0x10;
inline constexpr std::uint16_t kSymbolTable = 0x11;
inline constexpr std::uint16_t kAttributeInfo = 0x15;
}  // namespace message_type

// Message flag bits.
inline constexpr std::uint8_t kMessageShared = 0x02;
inline constexpr std::uint8_t kMessageFailIfUnknown = 0x80;

struct Message {
  std::uint16_t type = 0;
  std::uint8_t flags = 0;
  std::span<const unsigned char> data;
  std::uint64_t address = kUndefinedAddress;  // file address of the message's data, for error messages
};

struct ObjectHeader {
  std::uint64_t address = kUndefinedAddress;
  unsigned version = 0;
  std::vector<Message> messages;  // in file order, continuation and NIL messages left out

  // The first message of a type, or nullptr.
  const Message* find(std::uint16_t type) const;
};

ObjectHeader read_object_header(const FileImage& file, std::uint64_t address);

}  // namespace inlay::core::hdf5
