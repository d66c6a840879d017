# Thin wrapper over CMake; see README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build test test-release test-asan test-builds fuzz run install clean

all: build

deps:
	@packaging/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_ARGS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBH_SANITIZE=ON $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The whole suite, then again under AddressSanitizer + UndefinedBehaviorSanitizer,
# then every build type with both compilers.
test: test-release test-asan fuzz test-builds

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

test-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) --timeout 1800

# Compile only: the tree builds warning-free (-Werror) as Debug, RelWithDebInfo and
# Release with GCC and clang, since -O3 and each compiler see different warnings.
# The suites above run GCC RelWithDebInfo and Debug and clang Debug.
CHECK_BUILD ?= build-check
CHECK_TYPES ?= Debug RelWithDebInfo Release
CHECK_CCS   ?= gcc clang

test-builds: deps
	@set -e; for cc in $(CHECK_CCS); do for type in $(CHECK_TYPES); do \
	  dir=$(CHECK_BUILD)/$$cc-$$type; echo "test-builds: $$cc $$type"; \
	  [ -f $$dir/CMakeCache.txt ] || cmake -S . -B $$dir -DCMAKE_C_COMPILER=$$cc \
	    -DCMAKE_BUILD_TYPE=$$type $(CMAKE_ARGS) >/dev/null; \
	  cmake --build $$dir -j $(JOBS) >$$dir/build.log 2>&1 || { tail -n 60 $$dir/build.log >&2; exit 1; }; \
	done; done

# libFuzzer targets (tests/fuzz): the whole project built with clang, ASan and
# UBSan, then each fuzzer for a bounded number of runs from its seed corpus.
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DBH_FUZZ=ON -DBH_SANITIZE=ON $(CMAKE_ARGS)

fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	cd $(FUZZ_BUILD) && ctest -L fuzz --output-on-failure

run: build
	packaging/make-run.sh $(BUILD)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(CHECK_BUILD)
