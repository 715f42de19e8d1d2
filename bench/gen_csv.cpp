// Deterministic Pigment-like export CSV for the benchmark: semicolon-delimited, UTF-8, with
// quoted fields holding delimiters, doubled quotes and newlines, of exactly SIZE bytes, ending
// with a complete record. Same SIZE and seed -> same bytes, on any machine.
//
//   gen_csv SIZE OUTPUT      SIZE like 1073741824, 1GiB, 256MiB; prints "rows N" (data rows)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

uint64_t parse_size(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    std::string unit(end);
    uint64_t mul = 1;
    if (unit == "KiB" || unit == "K")
        mul = 1ull << 10;
    else if (unit == "MiB" || unit == "M")
        mul = 1ull << 20;
    else if (unit == "GiB" || unit == "G")
        mul = 1ull << 30;
    else if (!unit.empty() && unit != "B") {
        std::fprintf(stderr, "bad size %s\n", s.c_str());
        std::exit(2);
    }
    return uint64_t(v * double(mul));
}

struct Rng {
    uint64_t s = 0x9E3779B97F4A7C15ull;
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
};

const char* kMonths[] = {"Jan 23", "Feb 23", "Mar 23", "Apr 23", "May 23", "Jun 23", "Jul 23", "Aug 23",
                         "Sep 23", "Oct 23", "Nov 23", "Dec 23", "Jan 24", "Feb 24", "Mar 24", "Apr 24",
                         "May 24", "Jun 24", "Jul 24", "Aug 24", "Sep 24", "Oct 24", "Nov 24", "Dec 24"};
const char* kCountries[] = {"France",        "Deutschland", "Österreich", "España",       "Italia", "United Kingdom",
                            "Côte d'Ivoire", "日本",        "Brasil",     "Sverige",      "Polska", "Ελλάδα",
                            "Türkiye",       "México",      "Canada",     "United States"};
// Some need quoting: a delimiter, a doubled quote.
const char* kProducts[] = {
    "Widget S",   "Widget M",    "\"Widget; large\"",         "Gadget Pro", "\"Gadget \"\"Max\"\"\"",
    "Café crème", "Straße-Set",  "\"Bolts; nuts & washers\"", "Panel 2000", "Sensor X1",
    "Kabel 5 m",  "Überraschung"};
const char* kChannels[] = {"Retail", "Online", "Wholesale", "Partner", "Direct"};
const char* kScenarios[] = {"Actual", "Budget", "Forecast Q2", "\"Plan; v3\""};
// Most comments are empty; some carry quotes, delimiters and line breaks inside quotes.
const char* kComments[] = {"",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "",
                           "Reviewed",
                           "\"Customer said \"\"urgent\"\"; ship first\"",
                           "\"Line one\nline two\"",
                           "\"Price incl. VAT; see note\r\nsecond line\"",
                           "Prévision révisée",
                           "\"Ärger mit \"\"Lieferung\"\"\"",
                           "\"Multi\nline\nnote; with delimiter\""};

template <size_t N>
const char* pick(const char* const (&arr)[N], Rng& r) {
    return arr[r.next() % N];
}

char* put(char* p, const char* s) {
    size_t n = std::strlen(s);
    std::memcpy(p, s, n);
    return p + n;
}

char* put_uint(char* p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = char('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

// A decimal with 2 places, sometimes negative.
char* put_money(char* p, Rng& r) {
    uint64_t x = r.next();
    if ((x & 31) == 0) *p++ = '-';
    uint64_t cents = (x >> 8) % 100000000;
    p = put_uint(p, cents / 100);
    *p++ = '.';
    unsigned c = unsigned(cents % 100);
    *p++ = char('0' + c / 10);
    *p++ = char('0' + c % 10);
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gen_csv SIZE OUTPUT\n");
        return 2;
    }
    uint64_t size = parse_size(argv[1]);
    FILE* out = std::fopen(argv[2], "wb");
    if (out == nullptr) {
        std::perror(argv[2]);
        return 1;
    }
    const char* header = "Month;Country;Product;Sales Channel;Scenario;Comment;Revenue;Units;Margin %\n";
    if (size < 512) {
        std::fprintf(stderr, "SIZE must be at least 512 bytes\n");
        return 2;
    }
    std::vector<char> buf(8 << 20);
    char* p = buf.data();
    char* flush_at = buf.data() + buf.size() - 4096;
    uint64_t written = 0, rows = 0;
    p = put(p, header);
    Rng rng;
    auto remaining = [&] { return size - written - uint64_t(p - buf.data()); };
    // Normal rows are < 300 bytes; stop while there is room for one padded last row.
    while (remaining() >= 600) {
        p = put(p, pick(kMonths, rng));
        *p++ = ';';
        p = put(p, pick(kCountries, rng));
        *p++ = ';';
        p = put(p, pick(kProducts, rng));
        *p++ = ';';
        p = put(p, pick(kChannels, rng));
        *p++ = ';';
        p = put(p, pick(kScenarios, rng));
        *p++ = ';';
        p = put(p, pick(kComments, rng));
        *p++ = ';';
        p = put_money(p, rng);
        *p++ = ';';
        p = put_uint(p, rng.next() % 100000);
        *p++ = ';';
        p = put_uint(p, rng.next() % 100);
        *p++ = '.';
        p = put_uint(p, rng.next() % 10);
        *p++ = '\n';
        ++rows;
        if (p >= flush_at) {
            std::fwrite(buf.data(), 1, size_t(p - buf.data()), out);
            written += uint64_t(p - buf.data());
            p = buf.data();
        }
    }
    // Last row padded to hit SIZE exactly: a quoted comment of filler.
    uint64_t r = remaining();
    const char* head = "Dec 24;France;Widget S;Retail;Actual;\"";
    const char* tail = "\";0.00;0;0.0\n";
    uint64_t fill = r - std::strlen(head) - std::strlen(tail);
    p = put(p, head);
    std::memset(p, 'z', size_t(fill));
    p += fill;
    p = put(p, tail);
    ++rows;
    std::fwrite(buf.data(), 1, size_t(p - buf.data()), out);
    written += uint64_t(p - buf.data());
    if (std::fclose(out) != 0 || written != size) {
        std::fprintf(stderr, "write failed (%llu of %llu)\n", (unsigned long long)written, (unsigned long long)size);
        return 1;
    }
    std::printf("rows %llu\n", (unsigned long long)rows);
    return 0;
}
