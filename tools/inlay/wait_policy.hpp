// OpenMP's wait policy for the `inlay` tool (wait_policy.cpp).
#pragma once

namespace inlay_tool {

// Unless the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT: sets GOMP_SPINCOUNT to a short spin and executes
// this program again, so that libgomp (which reads its environment once, before main) sees it. Returns only
// when nothing was to be done or the exec failed (the tool then runs with libgomp's default).
void prefer_short_openmp_spin(char** argv);

}  // namespace inlay_tool
