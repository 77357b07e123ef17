# The two commands: `make run` (build, start the server on SQLite, open booktui) and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
PREFIX ?= /usr/local
PORT ?= 8000

.PHONY: all build release run server test test-setup test-swift test-python bench clean

all: build

build:
	swift build

release:
	swift build -c release

## make run: the server on SQLite with its local mailbox (data/), and booktui against it.
run: build
	PORT=$(PORT) scripts/run.sh

## make server: only the server, in the foreground.
server: build
	PORT=$(PORT) scripts/run.sh --server-only

## make test: every test, as CI runs it. Installs what it needs first.
test: test-setup test-swift test-python

test-setup:
	scripts/test-setup.sh

test-swift:
	swift build --build-tests
	swift test --skip-build

test-python:
	.venv/bin/pytest Tests $(PYTEST_ARGS)

bench: build test-setup
	scripts/bench.sh

clean:
	rm -rf .build data .venv
