# tests/fuzz/flags.cmake - compile flags of a fuzzing build (LX_FUZZ=ON, the
# `fuzz` and `fuzz-cov` presets), included before any target so that the
# project's own code is instrumented for libFuzzer's coverage feedback.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LX_FUZZ needs clang (cmake --preset fuzz)")
endif()
# -O1 and asserts kept (no NDEBUG): an assert in the project is a finding too
add_compile_options(-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link)
if(LX_FUZZ_COVERAGE)
  # source-based coverage, no sanitizers: replays the corpus for llvm-cov
  add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
  add_link_options(-fprofile-instr-generate)
else()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
