#include "pigment_export/azure/caching_credential.hpp"

#include <algorithm>

#include "pigment_export/core/url.hpp"

namespace pe::azure {

namespace {

using namespace std::chrono_literals;

// A token for one tenant is no answer for a vault in another: the tenant is part of the key.
std::string cache_key(const TokenRequest& request) {
    // "https://storage.azure.com/" and "https://storage.azure.com" name the same audience.
    return without_trailing_slashes(request.resource) + " " + request.tenant;
}

}  // namespace

std::chrono::system_clock::time_point refresh_due(std::chrono::system_clock::time_point obtained,
                                                  std::chrono::system_clock::time_point expires_on) {
    auto lifetime = expires_on - obtained;
    if (lifetime <= 0s) {
        return obtained;
    }
    auto due = expires_on - std::min<std::chrono::system_clock::duration>(5min, lifetime / 2);
    if (lifetime >= 2h) {
        due = std::min(due, obtained + lifetime / 2);
    }
    return due;
}

CachingCredential::CachingCredential(std::unique_ptr<TokenCredential> inner, Clock clock)
    : inner_(std::move(inner)), clock_(clock ? std::move(clock) : [] { return std::chrono::system_clock::now(); }) {}

std::shared_ptr<CachingCredential::Slot> CachingCredential::slot_for(const std::string& key) {
    std::lock_guard lock(slots_mutex_);
    auto& slot = slots_[key];
    if (!slot) slot = std::make_shared<Slot>();
    return slot;
}

AccessToken CachingCredential::get_token(const TokenRequest& request) {
    auto slot = slot_for(cache_key(request));
    std::lock_guard lock(slot->fetching);
    auto now = clock_();
    if (slot->entry && now < slot->entry->due) {
        return slot->entry->token;
    }
    AccessToken token = inner_->get_token(request);
    slot->entry = Entry{token, refresh_due(now, token.expires_on)};
    return token;
}

}  // namespace pe::azure
