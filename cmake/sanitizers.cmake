add_library(pigment_sanitizers INTERFACE)
if(PIGMENT_SANITIZE)
  target_compile_options(pigment_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(pigment_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
