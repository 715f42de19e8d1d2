#include "fakes/fake_pigment.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <thread>

#include "fakes/csv_generator.hpp"

namespace testing {

namespace {

const std::set<std::string> kListKeys = {"propertyTechnicalNames", "listFilter", "propertyFilters",
                                         "friendlyHeaders",        "dateFormat", "fieldDelimiter",
                                         "decimalSeparator",       "encoding"};
const std::set<std::string> kMetricKeys = {"scenarios",  "filters",        "exportFilter",     "friendlyHeaders",
                                           "dateFormat", "fieldDelimiter", "decimalSeparator", "encoding"};
const std::set<std::string> kEnums[] = {{"Semicolon", "Comma"}, {"Legacy", "Iso8601"}};

std::string problem(int status, const std::string& title) {
    return nlohmann::json{{"type", "about:blank"}, {"title", title}, {"status", status}}.dump();
}

// Streams `content` (or the generator's output). At `limit` bytes it pauses for
// pause_at_limit and then either drops the connection (cut) or carries on.
void stream_body(httplib::Response& res, std::string content, std::uint64_t generated, std::uint64_t limit,
                 std::chrono::milliseconds pause_at_limit, std::chrono::milliseconds delay_each, bool cut) {
    struct State {
        std::uint64_t sent = 0;
    };
    auto state = std::make_shared<State>();
    res.set_chunked_content_provider("text/csv; charset=utf-8",
                                     [state, content = std::move(content), limit, pause_at_limit, delay_each, cut,
                                      gen = generated > 0 ? std::make_shared<CsvGenerator>(generated) : nullptr](
                                         std::size_t, httplib::DataSink& sink) mutable {
                                         if (delay_each.count() > 0) std::this_thread::sleep_for(delay_each);
                                         std::string piece;
                                         if (gen) {
                                             if (gen->done()) {
                                                 sink.done();
                                                 return true;
                                             }
                                             piece = gen->next_piece();
                                         } else {
                                             if (state->sent >= content.size()) {
                                                 sink.done();
                                                 return true;
                                             }
                                             std::size_t n = delay_each.count() > 0 ? 64 : 64 * 1024;
                                             piece = content.substr(state->sent, n);
                                         }
                                         if (state->sent + piece.size() > limit) {
                                             piece.resize(static_cast<std::size_t>(limit - state->sent));
                                             if (!piece.empty()) sink.write(piece.data(), piece.size());
                                             state->sent = limit;
                                             if (pause_at_limit.count() > 0)
                                                 std::this_thread::sleep_for(pause_at_limit);
                                             if (cut) return false;
                                             limit = UINT64_MAX;
                                             return true;
                                         }
                                         sink.write(piece.data(), piece.size());
                                         state->sent += piece.size();
                                         return true;
                                     });
}

}  // namespace

FakePigment::FakePigment(std::string api_key) : api_key_(std::move(api_key)) {
    for (bool v1 : {true, false}) {
        std::string prefix = v1 ? "/api/v1/export/" : "/api/export/";
        auto route = [this, v1](const std::string& type) {
            return
                [this, v1, type](const httplib::Request& req, httplib::Response& res) { handle(req, res, type, v1); };
        };
        for (const char* type : {"view", "list", "metric", "table"}) {
            std::string pattern = prefix + type + R"(/([^/]+))";
            server_.server().Get(pattern, route(type));
            server_.server().Post(pattern, route(type));
        }
    }
    server_.start();
}

void FakePigment::add_block(const std::string& type, const std::string& id, std::string csv) {
    std::lock_guard lock(mutex_);
    blocks_[type + "/" + id] = Block{std::move(csv), 0};
}

void FakePigment::add_generated_block(const std::string& type, const std::string& id, std::uint64_t min_bytes) {
    std::lock_guard lock(mutex_);
    blocks_[type + "/" + id] = Block{{}, min_bytes};
}

void FakePigment::push_fault(PigmentFault fault) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(fault));
}

std::vector<PigmentRequest> FakePigment::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t FakePigment::export_requests() const {
    return requests().size();
}

std::string FakePigment::validate(const httplib::Request& req, const std::string& type, bool v1) const {
    if (type == "view") {
        if (req.method != "GET") return "405";
        for (const auto& [key, value] : req.params) {
            bool known = key == "fieldDelimiter" || (!v1 && key == "dateFormat");
            if (!known) return "unknown query parameter " + key;
            if (!kEnums[key == "dateFormat" ? 1 : 0].count(value)) return "invalid value for " + key;
        }
        return {};
    }
    if (req.method != "POST") return "405";
    if (!req.body.empty()) {
        if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) return "415";
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) return "body is not a JSON object";
        const auto& keys = type == "list" ? kListKeys : kMetricKeys;
        for (const auto& [key, value] : body.items()) {
            bool known = keys.count(key) > 0 || (type == "table" && (key == "metrics" || key == "fields"));
            if (!known) return "unknown body field " + key;  // additionalProperties: false
            if (key == "fieldDelimiter" && !kEnums[0].count(value.get<std::string>())) return "invalid fieldDelimiter";
            if (key == "dateFormat" && !kEnums[1].count(value.get<std::string>())) return "invalid dateFormat";
        }
    }
    return {};
}

void FakePigment::handle(const httplib::Request& req, httplib::Response& res, const std::string& type, bool v1) {
    std::string id = req.matches[1];
    PigmentRequest record{
        req.method, req.path, {}, req.get_header_value("Authorization"), req.get_header_value("Content-Type"),
        req.body};
    for (const auto& [k, v] : req.params) record.query[k] = v;
    std::optional<PigmentFault> fault;
    Block block;
    bool found = false;
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(record);
        if (!faults_.empty()) {
            fault = faults_.front();
            faults_.pop_front();
        }
        auto it = blocks_.find(type + "/" + id);
        if (it != blocks_.end()) {
            block = it->second;
            found = true;
        }
    }
    if (record.authorization != "Bearer " + api_key_) {
        res.status = 401;
        res.set_content(problem(401, "Unauthorized"), "application/problem+json");
        return;
    }
    if (std::string problem_text = validate(req, type, v1); !problem_text.empty()) {
        res.status = problem_text == "405" ? 405 : problem_text == "415" ? 415 : 400;
        res.set_content(problem(res.status, problem_text), "application/problem+json");
        return;
    }
    if (fault && fault->kind == PigmentFault::Kind::status) {
        res.status = fault->status;
        if (!fault->retry_after.empty()) res.set_header("Retry-After", fault->retry_after);
        res.set_content(problem(fault->status, "injected fault"), "application/problem+json");
        return;
    }
    if (fault && fault->kind == PigmentFault::Kind::html_ok) {
        res.status = 200;
        res.set_content("<!DOCTYPE html><html><body>Sign in to Pigment</body></html>", "text/html");
        return;
    }
    if (!found) {
        res.status = 404;
        res.set_content(problem(404, "Block not found"), "application/problem+json");
        return;
    }
    std::uint64_t limit = UINT64_MAX;
    std::chrono::milliseconds pause{0}, each{0};
    bool cut = false;
    if (fault) {
        switch (fault->kind) {
            case PigmentFault::Kind::cut_after:
                limit = fault->bytes;
                cut = true;
                break;
            case PigmentFault::Kind::stall_after:
                limit = fault->bytes;
                pause = fault->delay;
                break;
            case PigmentFault::Kind::slow:
                each = fault->delay;
                break;
            default:
                break;
        }
    }
    res.status = 200;
    stream_body(res, block.csv, block.generated_bytes, limit, pause, each, cut);
}

}  // namespace testing
