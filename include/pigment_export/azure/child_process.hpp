#pragma once
// Runs a program directly (posix_spawnp, no shell, so no quoting to get wrong) with a
// deadline, capturing stdout and stderr. Used for the Azure CLI.
#include <chrono>
#include <string>
#include <vector>

namespace pe::azure {

struct ChildResult {
    int exit_code = -1;      // 128 + signal when killed by one
    bool timed_out = false;  // killed at the deadline
    std::string out;
    std::string err;
};

// argv[0] is looked up on PATH. `extra_env` ("NAME=value") is added to this process's
// environment. Throws std::system_error when the program cannot be started (ENOENT: not found).
ChildResult run_child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                      std::chrono::milliseconds timeout);

}  // namespace pe::azure
