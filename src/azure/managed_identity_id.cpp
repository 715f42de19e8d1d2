#include "pigment_export/azure/managed_identity_id.hpp"

namespace pe::azure {

ManagedIdentityId ManagedIdentityId::from_setting(const std::string& client_id) {
    if (client_id.empty()) {
        return {};
    }
    if (client_id.rfind("/subscriptions/", 0) == 0) {
        return {Kind::resource_id, client_id};
    }
    return {Kind::client_id, client_id};
}

std::string ManagedIdentityId::describe() const {
    switch (kind) {
        case Kind::client_id:
            return "the user-assigned identity with client id " + value;
        case Kind::resource_id:
            return "the user-assigned identity " + value;
        case Kind::system_assigned:
            break;
    }
    return "the system-assigned identity";
}

}  // namespace pe::azure
