#include "runtime/runtime_info.hpp"

#include <dnnl.hpp>
#include <string>
#include <thread>

#include "util/error.hpp"
#include "util/logging.hpp"

namespace inlay::core {
namespace {

std::string isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    default: return "other";
  }
}

}  // namespace

Json runtime_info() {
  try {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const dnnl_version_t* version = dnnl_version();
    Json info = {{"onednn_version", std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
                                        std::to_string(version->patch)},
                 {"engine", "cpu"},
                 {"cpu_engines", dnnl::engine::get_count(dnnl::engine::kind::cpu)},
                 {"cpu_isa", isa_name(dnnl::get_effective_cpu_isa())},
                 {"cpu_runtime", version->cpu_runtime == DNNL_RUNTIME_OMP ? "omp" : "other"},
                 {"hardware_threads", std::thread::hardware_concurrency()}};
    log().debug("oneDNN {} CPU engine created", info["onednn_version"].get<std::string>());
    return info;
  } catch (const dnnl::error& e) {
    throw Error(Status::InternalError, std::string("Cannot create the oneDNN CPU engine: ") + e.what());
  }
}

}  // namespace inlay::core
