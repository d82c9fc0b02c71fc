// OpenMP's wait policy for the `inlay` tool. libgomp (oneDNN's threading runtime on Debian) spins ~300,000
// rounds — milliseconds — at every barrier before it sleeps. A predict crosses hundreds of barriers (each
// primitive is a parallel region). On cores shared with other busy processes, a spinning thread keeps its core
// while the thread it waits for sits descheduled behind a competitor, and the scheduler sees no idle core to
// move it to: measured on the 2-core VM with other processes running, ResNet50 batch 1 took 1,090-1,560 ms on
// 2 threads against ~315 ms on 1; GOMP_SPINCOUNT=1000 or OMP_WAIT_POLICY=PASSIVE brought it to 200-290 ms
// (issue 19 item 4). A short spin still catches the next parallel region on a quiet machine.
//
// libgomp reads its environment once, in its own initializer, before main(). Setting the variable from an
// initializer of this program does not work either: glibc resets the environment pointer after an executable's
// .preinit_array functions run and before the libraries' initializers (measured with glibc 2.36). So the tool
// sets the variable and executes itself again, once (the variable set stops a second round). The Python
// binding sets it before it loads the library (bindings/python/inlay/_lib.py); C and C++ programs choose for
// themselves (README, "Threads").
#include "wait_policy.hpp"

#include <unistd.h>

#include <cstdlib>

namespace inlay_tool {

namespace {
constexpr const char* kSpinCount = "1000";
}  // namespace

void prefer_short_openmp_spin(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  if (setenv("GOMP_SPINCOUNT", kSpinCount, 0) != 0) return;
  execv("/proc/self/exe", argv);
  // No /proc (or no exec): run on as is; the variable stays set for any child process.
}

}  // namespace inlay_tool
