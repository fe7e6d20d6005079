# QwenVL.Actors — build, test and run.
DOTNET ?= dotnet
CONFIG ?= Release
MODEL ?= ../shared/fixtures/qwen2vl-tiny
REQUEST ?= examples/hello.json
SLN := QwenVL.Actors.sln
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build test run clean

build:
	$(DOTNET) build $(SLN) -c $(CONFIG) -nologo

test:
	$(DOTNET) test $(SLN) -c $(CONFIG) -nologo --logger "console;verbosity=normal"

run:
	$(DOTNET) run --project Http -c $(CONFIG) -- generate --model $(abspath $(MODEL)) --request $(abspath $(REQUEST))

clean:
	$(DOTNET) clean $(SLN) -c $(CONFIG) -nologo
