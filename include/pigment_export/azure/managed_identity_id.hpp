#pragma once
// Which managed identity to ask for. --client-id / AZURE_CLIENT_ID carries either a client id
// or, when it starts with /subscriptions/, the ARM resource id of a user-assigned identity.
#include <string>

namespace pe::azure {

struct ManagedIdentityId {
    enum class Kind { system_assigned, client_id, resource_id };
    Kind kind = Kind::system_assigned;
    std::string value;

    static ManagedIdentityId from_setting(const std::string& client_id);
    bool user_assigned() const { return kind != Kind::system_assigned; }
    std::string describe() const;  // "the system-assigned identity", "user-assigned identity <id>"
};

}  // namespace pe::azure
