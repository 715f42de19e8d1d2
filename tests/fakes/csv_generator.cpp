#include "fakes/csv_generator.hpp"

namespace testing {

namespace {

const char* kRegions[] = {"EMEA", "Amériques", "APAC; Japan", "Nordics \"North\""};
const char* kProducts[] = {"Widget", "Gadget \"Pro\"", "Thing\nwith a line break", "Gizmo; v2"};

std::string quoted(const std::string& field) {
    std::string out = "\"";
    for (char c : field) {
        if (c == '"')
            out += "\"\"";
        else
            out.push_back(c);
    }
    return out + "\"";
}

std::string row(std::uint64_t i) {
    std::string value = std::to_string((i * 7919) % 100000) + "." + std::to_string(i % 100);
    return quoted(kRegions[i % 4]) + ";" + quoted(kProducts[(i / 4) % 4]) + ";" + "2024-" + std::to_string(1 + i % 12) +
           "-01;" + value + "\n";
}

}  // namespace

std::string CsvGenerator::next_piece() {
    std::string piece;
    if (!header_sent_) {
        piece = "Region;Product;Month;Revenue\n";
        header_sent_ = true;
        produced_ += piece.size();
    }
    while (produced_ < min_bytes_ && piece.size() < (256u << 10)) {
        std::string r = row(rows_++);
        produced_ += r.size();
        piece += r;
    }
    return piece;
}

GeneratedCsv generate_csv(std::uint64_t min_bytes, const std::function<void(const std::string&)>& out) {
    CsvGenerator generator(min_bytes);
    GeneratedCsv result;
    while (!generator.done()) {
        std::string piece = generator.next_piece();
        result.bytes += piece.size();
        out(piece);
    }
    result.rows = generator.rows();
    return result;
}

std::string generate_csv_string(std::uint64_t min_bytes, std::uint64_t* rows) {
    std::string all;
    auto r = generate_csv(min_bytes, [&](const std::string& piece) { all += piece; });
    if (rows) *rows = r.rows;
    return all;
}

}  // namespace testing
