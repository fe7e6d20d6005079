# QwenVL.Actors — build, test and run.
DOTNET ?= dotnet
CONFIG ?= Release
MODEL ?= ../shared/fixtures/qwen2vl-tiny
REQUEST ?= examples/hello.json
PORT ?= 8000
SLN := QwenVL.Actors.sln
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build test run generate clean

build:
	$(DOTNET) build $(SLN) -c $(CONFIG) -nologo

# The .NET suite, then the official openai npm client against a live server.
test:
	$(DOTNET) test $(SLN) -c $(CONFIG) -nologo --logger "console;verbosity=normal"
	CONFIG=$(CONFIG) bash tests/node/run.sh

# Serves MODEL (a model directory) on PORT, as `vllm serve` would.
run:
	$(DOTNET) run --project Http -c $(CONFIG) -- serve --model $(abspath $(MODEL)) --port $(PORT)

# One request body (REQUEST) run to completion without HTTP.
generate:
	$(DOTNET) run --project Http -c $(CONFIG) -- generate --model $(abspath $(MODEL)) --request $(abspath $(REQUEST))

clean:
	$(DOTNET) clean $(SLN) -c $(CONFIG) -nologo
