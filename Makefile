# QwenVL.Actors — build, test and run.
DOTNET ?= dotnet
CONFIG ?= Release
# A Hugging Face Hub repo id (downloaded into the Hugging Face cache on first use) or a model directory.
MODEL ?= Qwen/Qwen2-VL-2B-Instruct
REQUEST ?= examples/hello.json
PORT ?= 8000
SLN := QwenVL.Actors.sln
# A directory that exists is passed as an absolute path; anything else (a repo id) as it is.
MODEL_ARG = $(if $(wildcard $(MODEL)),$(abspath $(MODEL)),$(MODEL))
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build test run generate docs-images clean

build:
	$(DOTNET) build $(SLN) -c $(CONFIG) -nologo

# The .NET suite, the web pages' JavaScript units, the official openai npm client against a live server, the pages in
# headless Chromium (installed from Debian when missing), then every CUDA kernel source type-checked by clang (no GPU
# needed; clang-16 installed from Debian when missing). Needs no network beyond that: the Hub tests use a fake Hub on
# loopback, the client and browser tests the tiny fixture.
test:
	$(DOTNET) test $(SLN) -c $(CONFIG) -nologo --logger "console;verbosity=normal"
	node --test --test-reporter=spec tests/web/*.test.mjs
	CONFIG=$(CONFIG) bash tests/node/run.sh
	CONFIG=$(CONFIG) bash tests/browser/run.sh
	bash tools/cuda/check_kernels.sh && bash tools/cuda/check_kernels.sh --self-test

# Reruns the browser tests and copies their screenshots to docs/images/ (the README's pictures of the pages).
docs-images: build
	QWENVL_UPDATE_DOCS_IMAGES=1 CONFIG=$(CONFIG) bash tests/browser/run.sh

# Serves MODEL on PORT, as `vllm serve MODEL` would; a repo id missing from the cache is downloaded first.
run:
	$(DOTNET) run --project App -c $(CONFIG) -- serve $(MODEL_ARG) --port $(PORT)

# One request body (REQUEST) run to completion without HTTP.
generate:
	$(DOTNET) run --project App -c $(CONFIG) -- generate --model $(MODEL_ARG) --request $(abspath $(REQUEST))

clean:
	$(DOTNET) clean $(SLN) -c $(CONFIG) -nologo
