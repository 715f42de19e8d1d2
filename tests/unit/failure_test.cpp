#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <utility>

#include "pigment_export/core/cancellation.hpp"
#include "pigment_export/core/failure.hpp"
#include "pigment_export/core/redactor.hpp"
#include "pigment_export/core/secret.hpp"

using namespace pe;

TEST_CASE("each stage has its own exit code", "[core]") {
    cancellation::reset_for_tests();
    CHECK(exit_code(Stage::internal) == 1);
    CHECK(exit_code(Stage::usage) == 2);
    CHECK(exit_code(Stage::secret) == 3);
    CHECK(exit_code(Stage::export_) == 4);
    CHECK(exit_code(Stage::store) == 5);
    CHECK(exit_code(Stage::interrupted) == 130);
}

TEST_CASE("an interruption exits 128 + the first signal", "[core]") {
    cancellation::reset_for_tests();
    cancellation::request_stop(SIGTERM);
    CHECK(exit_code(Stage::interrupted) == 143);
    CHECK(exit_code(Stage::store) == 5);  // only the interrupted stage depends on the signal
    cancellation::request_stop(SIGINT);   // a second signal does not change the code
    CHECK(interrupted_exit_code() == 143);
    for (auto [signo, code] : {std::pair{SIGINT, 130}, {SIGHUP, 129}, {SIGQUIT, 131}}) {
        cancellation::reset_for_tests();
        cancellation::request_stop(signo);
        CHECK(exit_code(Stage::interrupted) == code);
    }
    cancellation::reset_for_tests();
}

TEST_CASE("a run's deadline cancels only the threads bound to it", "[core]") {
    cancellation::reset_for_tests();
    cancellation::RunDeadline mine, other;
    {
        cancellation::DeadlineBinding bound(&mine);
        CHECK_FALSE(cancellation::requested());
        other.expire();
        CHECK_FALSE(cancellation::requested());
        mine.expire();
        CHECK(cancellation::reason() == cancellation::Reason::timeout);
        try {
            cancellation::throw_if_requested();
            FAIL("no Failure");
        } catch (const Failure& f) {
            CHECK(f.info().service_code == "Timeout");
        }
    }
    CHECK_FALSE(cancellation::requested());
    cancellation::request_stop(SIGTERM);
    CHECK(cancellation::reason() == cancellation::Reason::signal);
    cancellation::reset_for_tests();
}

TEST_CASE("a deadline under the run's expires with it, and on its own without touching the run's", "[core]") {
    cancellation::reset_for_tests();
    cancellation::RunDeadline run;
    cancellation::RunDeadline opening(&run), sibling(&run);
    opening.expire();
    CHECK(opening.expired());
    CHECK_FALSE(run.expired());
    CHECK_FALSE(sibling.expired());
    run.expire();
    CHECK(sibling.expired());
    cancellation::DeadlineBinding bound(&sibling);
    CHECK(cancellation::reason() == cancellation::Reason::timeout);
}

TEST_CASE("stage names", "[core]") {
    CHECK(std::string(stage_name(Stage::usage)) == "usage");
    CHECK(std::string(stage_name(Stage::secret)) == "secret");
    CHECK(std::string(stage_name(Stage::export_)) == "export");
    CHECK(std::string(stage_name(Stage::store)) == "store");
    CHECK(std::string(stage_name(Stage::internal)) == "internal");
    CHECK(std::string(stage_name(Stage::interrupted)) == "interrupted");
}

TEST_CASE("format_failure_line shapes", "[core]") {
    CHECK(format_failure_line(
              {Stage::store, 403, "AuthorizationPermissionMismatch", "no write access", "grant a role"}) ==
          "store: HTTP 403 AuthorizationPermissionMismatch: no write access (hint: grant a role)");
    CHECK(format_failure_line({Stage::export_, 502, "", "bad gateway", ""}) == "export: HTTP 502: bad gateway");
    CHECK(format_failure_line({Stage::secret, 0, "SecretNotFound", "no such secret", ""}) ==
          "secret: SecretNotFound: no such secret");
    CHECK(format_failure_line({Stage::usage, 0, "", "--dest is required", "see --help"}) ==
          "usage: --dest is required (hint: see --help)");
    CHECK(format_failure_line({Stage::internal, 0, "", "boom", ""}) == "internal: boom");
}

TEST_CASE("the service's request id and time end the line after the hint", "[core]") {
    CHECK(format_failure_line({Stage::store, 403, "AuthorizationPermissionMismatch", "no write access", "grant a role",
                               "1a2b-3c", "2026-12-03T14:05:09Z"}) ==
          "store: HTTP 403 AuthorizationPermissionMismatch: no write access (hint: grant a role) "
          "(request id 1a2b-3c, 2026-12-03T14:05:09Z)");
    CHECK(format_failure_line({Stage::secret, 401, "Unauthorized", "refused", "", "", "2026-12-03T14:05:09Z"}) ==
          "secret: HTTP 401 Unauthorized: refused (no request id, 2026-12-03T14:05:09Z)");
}

TEST_CASE("Failure carries its info and a one-line what()", "[core]") {
    redactor::clear_for_tests();
    Failure f(FailureInfo{Stage::store, 409, "BlobAlreadyExists", "the blob exists", "pass --overwrite"});
    CHECK(f.stage() == Stage::store);
    CHECK(f.info().http_status == 409);
    CHECK(f.info().service_code == "BlobAlreadyExists");
    CHECK(std::string(f.what()) == "store: HTTP 409 BlobAlreadyExists: the blob exists (hint: pass --overwrite)");

    Failure g(Stage::usage, "bad option", "see help");
    CHECK(g.info().http_status == 0);
    CHECK(g.info().service_code.empty());
    CHECK(std::string(g.what()) == "usage: bad option (hint: see help)");
    CHECK(exit_code(g.stage()) == 2);
}

TEST_CASE("Failure flattens line breaks and tabs and trims trailing spaces", "[core]") {
    redactor::clear_for_tests();
    Failure f(FailureInfo{Stage::export_, 500, "Server\nError", "line one\nline two\r\n\tend\n\n", "try\ragain\n"});
    CHECK(f.info().message == "line one line two   end");
    CHECK(f.info().hint == "try again");
    CHECK(f.info().service_code == "Server Error");
    std::string line = f.what();
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('\t') == std::string::npos);
}

TEST_CASE("a registered secret is scrubbed from message, hint and code", "[core]") {
    redactor::clear_for_tests();
    Secret key("sk-live-0123456789");
    Failure f(FailureInfo{Stage::secret, 401, "bad sk-live-0123456789",
                          "the key sk-live-0123456789 was refused (sk-live-0123456789)", "rotate sk-live-0123456789"});
    CHECK(f.info().message == "the key [REDACTED] was refused ([REDACTED])");
    CHECK(f.info().hint == "rotate [REDACTED]");
    CHECK(f.info().service_code == "bad [REDACTED]");
    CHECK(std::string(f.what()).find("0123456789") == std::string::npos);
    redactor::clear_for_tests();
}

TEST_CASE("a secret shorter than 6 characters is not registered", "[core]") {
    redactor::clear_for_tests();
    Secret shorty("abcde");
    Failure f(Stage::secret, "value abcde here");
    CHECK(f.info().message == "value abcde here");
    Secret six("abcdef");
    Failure g(Stage::secret, "value abcdef here");
    CHECK(g.info().message == "value [REDACTED] here");
    redactor::clear_for_tests();
}
