#include "hostile_files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <sys/stat.h>
#include <zlib.h>

namespace hostile {

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void make_fifo(const std::filesystem::path& path) {
  if (::mkfifo(path.c_str(), 0600) != 0) {
    throw std::runtime_error("mkfifo " + path.string() + ": " + std::strerror(errno));
  }
}

namespace {

void put16(std::string& out, unsigned value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>((value >> 8) & 0xff);
}

void put32(std::string& out, std::uint32_t value) {
  put16(out, value & 0xffff);
  put16(out, value >> 16);
}

// Raw DEFLATE (no zlib header), as zip's method 8 stores it.
std::string deflate_raw(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

// The fields local and central headers share: version needed .. file name length.
void put_common(std::string& out, const ZipEntry& e, std::uint32_t crc, std::uint32_t stored_size) {
  put16(out, 20);                  // version needed to extract
  put16(out, 0);                   // flags
  put16(out, e.deflate ? 8 : 0);   // method
  put16(out, 0);                   // time
  put16(out, 0x21);                // date: 1980-01-01
  put32(out, crc);
  put32(out, stored_size);
  put32(out, e.claimed_size.value_or(static_cast<std::uint32_t>(e.data.size())));
  put16(out, static_cast<unsigned>(e.name.size()));
  put16(out, 0);                   // extra field length
}

}  // namespace

ZipEntry stored(std::string name, std::string data) {
  ZipEntry e;
  e.name = std::move(name);
  e.data = std::move(data);
  return e;
}

ZipEntry deflated(std::string name, std::string data, std::optional<std::uint32_t> claimed_size) {
  ZipEntry e = stored(std::move(name), std::move(data));
  e.deflate = true;
  e.claimed_size = claimed_size;
  return e;
}

std::string zip_archive(const std::vector<ZipEntry>& entries) {
  std::string out;
  std::string central;
  for (const ZipEntry& e : entries) {
    const std::string stored = e.deflate ? deflate_raw(e.data) : e.data;
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())));
    const auto offset = static_cast<std::uint32_t>(out.size());
    put32(out, 0x04034b50);
    put_common(out, e, crc, static_cast<std::uint32_t>(stored.size()));
    out += e.name;
    out += stored;

    put32(central, 0x02014b50);
    put16(central, 20);  // version made by
    put_common(central, e, crc, static_cast<std::uint32_t>(stored.size()));
    put16(central, 0);   // comment length
    put16(central, 0);   // disk number
    put16(central, 0);   // internal attributes
    put32(central, 0);   // external attributes
    put32(central, offset);
    central += e.name;
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<unsigned>(entries.size()));
  put16(out, static_cast<unsigned>(entries.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);  // comment length
  return out;
}

namespace {

std::string dense_stack_layers(int layers, std::int64_t units) {
  const std::string n = std::to_string(units);
  std::string text = R"({"class_name":"InputLayer","config":{"batch_shape":[null,)" + n + R"(],"name":"x"}})";
  for (int i = 0; i < layers; ++i) {
    text += R"(,{"class_name":"Dense","config":{"name":"d)" + std::to_string(i) + R"(","units":)" + n +
            R"(,"use_bias":false}})";
  }
  return text;
}

}  // namespace

std::string dense_stack_config(int layers, std::int64_t units) {
  return R"({"class_name":"Sequential","config":{"name":"s","layers":[)" + dense_stack_layers(layers, units) + "]}}";
}

std::string dense_stack_tfjs(int layers, std::int64_t units, const std::string& shard) {
  const std::string n = std::to_string(units);
  std::string weights;
  for (int i = 0; i < layers; ++i) {
    if (i > 0) weights += ",";
    weights += R"({"name":"d)" + std::to_string(i) + R"(/kernel","shape":[)" + n + "," + n + R"(],"dtype":"float32"})";
  }
  return R"({"format":"layers-model","modelTopology":{"model_config":)" + dense_stack_config(layers, units) +
         R"(},"weightsManifest":[{"paths":[")" + shard + R"("],"weights":[)" + weights + "]}]}";
}

std::string keras_archive(const std::string& config_json, const std::string& weights_h5) {
  return zip_archive({stored("metadata.json", R"({"keras_version":"3.15.1"})"), stored("config.json", config_json),
                      stored("model.weights.h5", weights_h5)});
}

std::string tiny_tfjs_model_json(const std::string& shard_path) {
  return R"({"format":"layers-model","modelTopology":{"model_config":{"class_name":"Sequential","config":{)"
         R"("name":"tiny","layers":[{"class_name":"InputLayer","config":{"batch_shape":[null,2],"name":"x"}},)"
         R"({"class_name":"Dense","config":{"name":"dense","units":1}}]}}},"weightsManifest":[{"paths":[")" +
         shard_path +
         R"("],"weights":[{"name":"dense/kernel","shape":[2,1],"dtype":"float32"},)"
         R"({"name":"dense/bias","shape":[1],"dtype":"float32"}]}]})";
}

std::string tiny_tfjs_weights() {
  // 0.5f, -2.0f, 0.25f, little-endian.
  return std::string("\x00\x00\x00\x3f\x00\x00\x00\xc0\x00\x00\x80\x3e", 12);
}

}  // namespace hostile
