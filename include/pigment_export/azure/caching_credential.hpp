#pragma once
// One token per resource and tenant, reused until shortly before it expires. Long uploads outlive a
// token, so the storage sink asks again before each request and gets a fresh one in time.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pigment_export/azure/token_credential.hpp"

namespace pe::azure {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// When a token obtained at `obtained` should be replaced: 5 minutes before it expires (or at
// half its life if it is shorter than 10 minutes), and at half-life for tokens of 2 h or more,
// as the managed-identity sources of the Azure SDKs do.
std::chrono::system_clock::time_point refresh_due(std::chrono::system_clock::time_point obtained,
                                                  std::chrono::system_clock::time_point expires_on);

class CachingCredential : public TokenCredential {
public:
    explicit CachingCredential(std::unique_ptr<TokenCredential> inner, Clock clock = {});
    // Thread-safe. Concurrent callers for one resource and tenant wait for one fetch instead of
    // each starting their own; callers for different ones (Key Vault's and storage's tokens of one
    // run) fetch at the same time.
    AccessToken get_token(const TokenRequest& request) override;
    std::string name() const override { return inner_->name(); }

private:
    struct Entry {
        AccessToken token;
        std::chrono::system_clock::time_point due;
    };
    // One per resource and tenant; its mutex is held while that token is fetched.
    struct Slot {
        std::mutex fetching;
        std::optional<Entry> entry;
    };
    std::shared_ptr<Slot> slot_for(const std::string& key);

    std::unique_ptr<TokenCredential> inner_;
    Clock clock_;
    std::mutex slots_mutex_;  // guards the map only, never held during a fetch
    std::map<std::string, std::shared_ptr<Slot>> slots_;
};

}  // namespace pe::azure
