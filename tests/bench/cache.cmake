# The guild cache at 10,000 guilds: RSS, bytes per guild, apply and query rates.
add_executable(bench_cache ${CMAKE_CURRENT_LIST_DIR}/bench_cache.c)
target_link_libraries(bench_cache PRIVATE bh_test_support)
set_target_properties(bench_cache PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME bench_cache COMMAND bench_cache)
set_tests_properties(bench_cache PROPERTIES TIMEOUT 900)
