#include "pigment_export/http/user_agent.hpp"

#include <sys/utsname.h>

#include <algorithm>

namespace pe::http {

namespace {

std::string product_text(std::string_view text) {
    std::string out(text.substr(0, 64));
    std::replace_if(
        out.begin(), out.end(),
        [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'); }, '_');
    return out.empty() ? std::string("unknown") : out;
}

}  // namespace

std::string user_agent_for(std::string_view version, std::string_view os, std::string_view arch) {
    return "pigment-export/" + product_text(version) + " (" + product_text(os) + "; " + product_text(arch) + ")";
}

const std::string& user_agent() {
    static const std::string value = [] {
        utsname names{};
        if (uname(&names) != 0) return user_agent_for(PIGMENT_EXPORT_VERSION, "unknown", "unknown");
        return user_agent_for(PIGMENT_EXPORT_VERSION, names.sysname, names.machine);
    }();
    return value;
}

}  // namespace pe::http
