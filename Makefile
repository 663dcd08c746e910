# lianxin - the two commands that matter: `make demo` and `make test`.
# Plain `make` builds build/lianxin.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
PY         ?= /usr/bin/python3
PORT       ?= 8080

.PHONY: all build deps deps-test demo test test-unit test-api test-asan clean

all: build

build:
	@test -f $(BUILD)/CMakeCache.txt || cmake --preset dev >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# Build, create var/demo.db with the demo district, serve it on :8080.
demo: deps build
	@mkdir -p var
	$(BUILD)/lianxin demo --db var/demo.db
	$(BUILD)/lianxin serve --db var/demo.db --port $(PORT)

# Everything: unit tests, API tests against a real server, and both again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps-test build test-unit test-api test-asan
	@echo "make test: all suites passed"

test-unit: build
	cd $(BUILD) && ctest --output-on-failure

test-api: build
	LIANXIN_BIN=$(abspath $(BUILD))/lianxin $(PY) -m pytest -q tests/api

test-asan:
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake --preset asan >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LIANXIN_BIN=$(abspath $(ASAN_BUILD))/lianxin LIANXIN_SANITIZED=1 $(PY) -m pytest -q tests/api

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-release
