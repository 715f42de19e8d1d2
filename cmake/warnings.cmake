add_library(pigment_warnings INTERFACE)
target_compile_options(pigment_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(PIGMENT_WERROR)
  target_compile_options(pigment_warnings INTERFACE -Werror)
endif()
