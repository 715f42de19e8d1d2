#pragma once
// The whole program behind main(): parse, run the three stages, report, return the exit code.
namespace pe {

int run_main(int argc, char** argv);

}  // namespace pe
