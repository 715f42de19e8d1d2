#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "pigment_export/pigment/export_request.hpp"

using namespace pe;
using namespace pe::pigment;

namespace {

ExportSettings settings(BlockType type, std::string id = "3f2a-01", PigmentApi api = PigmentApi::v1) {
    ExportSettings s;
    s.block_type = type;
    s.block_id = std::move(id);
    s.api = api;
    return s;
}

}  // namespace

TEST_CASE("v1 URLs per block type", "[pigment]") {
    CHECK(build_export_request(settings(BlockType::view)).url == "https://pigment.app/api/v1/export/view/3f2a-01");
    CHECK(build_export_request(settings(BlockType::list)).url == "https://pigment.app/api/v1/export/list/3f2a-01");
    CHECK(build_export_request(settings(BlockType::metric)).url == "https://pigment.app/api/v1/export/metric/3f2a-01");
    CHECK(build_export_request(settings(BlockType::table)).url == "https://pigment.app/api/v1/export/table/3f2a-01");
}

TEST_CASE("legacy URLs per block type", "[pigment]") {
    CHECK(build_export_request(settings(BlockType::view, "v", PigmentApi::legacy)).url ==
          "https://pigment.app/api/export/view/v");
    CHECK(build_export_request(settings(BlockType::list, "l", PigmentApi::legacy)).url ==
          "https://pigment.app/api/export/list/l");
    CHECK(build_export_request(settings(BlockType::metric, "m", PigmentApi::legacy)).url ==
          "https://pigment.app/api/export/metric/m");
    CHECK(build_export_request(settings(BlockType::table, "t", PigmentApi::legacy)).url ==
          "https://pigment.app/api/export/table/t");
}

TEST_CASE("the block id is percent-encoded as one path segment", "[pigment]") {
    CHECK(build_export_request(settings(BlockType::metric, "a/b c?d")).url ==
          "https://pigment.app/api/v1/export/metric/a%2Fb%20c%3Fd");
    CHECK(build_export_request(settings(BlockType::metric, "A-z_0.~")).url ==
          "https://pigment.app/api/v1/export/metric/A-z_0.~");
}

TEST_CASE("trailing slashes on the base URL are dropped", "[pigment]") {
    auto s = settings(BlockType::list);
    s.pigment_url = "http://127.0.0.1:8080//";
    CHECK(build_export_request(s).url == "http://127.0.0.1:8080/api/v1/export/list/3f2a-01");
    s.pigment_url = "https://eu.pigment.app/prefix/";
    CHECK(build_export_request(s).url == "https://eu.pigment.app/prefix/api/v1/export/list/3f2a-01");
}

TEST_CASE("views are GET without a body - only fieldDelimiter on v1", "[pigment]") {
    auto s = settings(BlockType::view);
    auto plain = build_export_request(s);
    CHECK(plain.method == "GET");
    CHECK(plain.body.empty());
    CHECK(plain.url.find('?') == std::string::npos);

    s.field_delimiter = "Semicolon";
    s.date_format = "Iso8601";
    auto v1 = build_export_request(s);
    CHECK(v1.method == "GET");
    CHECK(v1.url == "https://pigment.app/api/v1/export/view/3f2a-01?fieldDelimiter=Semicolon");
    CHECK(v1.body.empty());

    s.api = PigmentApi::legacy;
    CHECK(build_export_request(s).url ==
          "https://pigment.app/api/export/view/3f2a-01?fieldDelimiter=Semicolon&dateFormat=Iso8601");
    s.field_delimiter.reset();
    CHECK(build_export_request(s).url == "https://pigment.app/api/export/view/3f2a-01?dateFormat=Iso8601");
}

TEST_CASE("list/metric/table are POST with a JSON object body", "[pigment]") {
    for (auto type : {BlockType::list, BlockType::metric, BlockType::table}) {
        auto r = build_export_request(settings(type));
        CHECK(r.method == "POST");
        CHECK(nlohmann::json::parse(r.body) == nlohmann::json::object());
    }
}

TEST_CASE("POST bodies merge the explicit options over --export-options", "[pigment]") {
    auto s = settings(BlockType::metric);
    s.options_json = R"({"friendlyHeaders":true,"fieldDelimiter":"Comma","filters":[{"a":1}]})";
    s.field_delimiter = "Semicolon";
    s.date_format = "Legacy";
    auto body = nlohmann::json::parse(build_export_request(s).body);
    CHECK(body["fieldDelimiter"] == "Semicolon");  // explicit option wins
    CHECK(body["dateFormat"] == "Legacy");
    CHECK(body["friendlyHeaders"] == true);
    CHECK(body["filters"][0]["a"] == 1);
    CHECK(body.size() == 4);
}

TEST_CASE("without explicit options the body keeps --export-options as given", "[pigment]") {
    auto s = settings(BlockType::table);
    s.options_json = R"({"fieldDelimiter":"Comma"})";
    auto body = nlohmann::json::parse(build_export_request(s).body);
    CHECK(body == nlohmann::json::parse(R"({"fieldDelimiter":"Comma"})"));
    CHECK(body.find("dateFormat") == body.end());
}

TEST_CASE("merged_body refuses non-objects", "[pigment]") {
    auto s = settings(BlockType::list);
    s.options_json = "[1,2]";
    CHECK_THROWS_AS(merged_body(s), std::invalid_argument);
    s.options_json = "\"text\"";
    CHECK_THROWS_AS(merged_body(s), std::invalid_argument);
    s.options_json = "{}";
    CHECK(merged_body(s) == "{}");
}

TEST_CASE("delimiter_enum and date_format_enum", "[pigment]") {
    CHECK(delimiter_enum(";") == std::optional<std::string>("Semicolon"));
    CHECK(delimiter_enum(",") == std::optional<std::string>("Comma"));
    for (const char* bad : {"", "\t", "|", ";;", "semicolon", "Semicolon", " ;"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(delimiter_enum(bad).has_value());
    }
    CHECK(date_format_enum("legacy") == std::optional<std::string>("Legacy"));
    CHECK(date_format_enum("iso8601") == std::optional<std::string>("Iso8601"));
    for (const char* bad : {"", "Legacy", "ISO8601", "iso", "iso-8601"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(date_format_enum(bad).has_value());
    }
}
