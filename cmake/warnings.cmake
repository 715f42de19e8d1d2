add_library(pigment_warnings INTERFACE)
target_compile_options(pigment_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough -Wold-style-cast)
if(PIGMENT_WERROR)
  target_compile_options(pigment_warnings INTERFACE -Werror)
endif()
# Debug builds (the sanitizer runs) also check the standard library's preconditions: an
# out-of-range operator[] or front() on an empty container aborts instead of reading past it.
target_compile_definitions(pigment_warnings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
