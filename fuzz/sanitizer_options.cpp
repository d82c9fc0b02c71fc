// Sanitizer defaults of the libFuzzer executables (ASAN_OPTIONS / LSAN_OPTIONS / UBSAN_OPTIONS given at run
// time still override them).
#include <cstdlib>
#include <new>
#include <string>

// A single allocation over 512 MiB fails (malloc returns NULL, operator new throws std::bad_alloc) instead of
// aborting the process: that is what a system without the memory does, and inlay must then report
// INLAY_OUT_OF_MEMORY (or refuse the size first), never crash. The limit sits below libFuzzer's
// -malloc_limit_mb (= -rss_limit_mb, 2048 in fuzz/run.sh), so libFuzzer reports only what is really used:
// the resident memory going over 2 GiB.
extern "C" const char* __asan_default_options();
extern "C" const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=512:detect_leaks=1:"
         "strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1";
}

extern "C" const char* __ubsan_default_options();
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:halt_on_error=1"; }

// One leak inside a library inlay uses, on an error path it cannot avoid, is suppressed:
//
// oneDNN 2.6 (Debian's libdnnl2) leaks what it had allocated for a primitive descriptor when one of its own
// allocations fails while creating it (dnnl_primitive_desc_iterator_create returning dnnl_out_of_memory):
// inlay then reports INLAY_OUT_OF_MEMORY, and owns nothing it could free. INLAY_FUZZ_REPORT_DNNL_LEAKS=1
// reports them.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  static const std::string suppressions =
      std::getenv("INLAY_FUZZ_REPORT_DNNL_LEAKS") != nullptr ? "" : "leak:libdnnl.so\n";
  return suppressions.c_str();
}

// ASan's own operator new reports an allocation it cannot make as a fatal "out-of-memory" (a runtime cannot
// throw), whatever allocator_may_return_null says; a real system's new throws std::bad_alloc. These
// replacements allocate with malloc (still ASan's, with its checks and the 512 MiB limit above) and throw
// std::bad_alloc when it returns NULL, so that inlay's handling of a failed allocation is what gets fuzzed.
// (The price: ASan no longer tells new from malloc, so new/delete mismatches go unreported here.)
namespace {

void* allocate(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* allocate_aligned(std::size_t n, std::align_val_t alignment) {
  std::size_t a = static_cast<std::size_t>(alignment);
  if (a < sizeof(void*)) a = sizeof(void*);
  void* p = nullptr;
  if (posix_memalign(&p, a, n == 0 ? 1 : n) != 0) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate_aligned(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return allocate_aligned(n, a);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  return operator new(n, a, t);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
