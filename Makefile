# The two commands: `make run` (build, start the server on SQLite, open booktui) and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
PREFIX ?= /usr/local
PORT ?= 8000

.PHONY: all build build-deps release run server mail format lint test test-setup test-swift test-python bench clean install uninstall man

all: build

build: build-deps
	swift build

## The C libraries the build links (ncursesw, YAZ), installed with apt-get when missing.
build-deps:
	scripts/build-deps.sh

release: build-deps
	swift build -c release

## make run: the server on SQLite with its local mailbox (data/), and booktui against it.
run: build
	PORT=$(PORT) scripts/run.sh

## make server: only the server, in the foreground.
server: build
	PORT=$(PORT) scripts/run.sh --server-only

## make mail: the newest link in make run's local mailbox (activation, reset, e-mail change).
mail:
	@scripts/mail-link.sh

## make format: formats the Swift code in place as .swift-format says (swift-format, in the toolchain).
format:
	swift format --in-place --recursive --parallel Sources Tests Package.swift

## make lint: the code is formatted, and each target imports only what its layer may (scripts/lint.sh).
lint:
	scripts/lint.sh

## make test: the lint and every test, as CI runs them. Installs what it needs first.
test: test-setup lint test-swift test-python

test-setup:
	scripts/test-setup.sh

test-swift:
	mkdir -p .build
	set -o pipefail; swift build --build-tests 2>&1 | tee .build/build-tests.log
	scripts/no-warnings.sh .build/build-tests.log
	swift test --skip-build

test-python:
	.venv/bin/pytest Tests $(PYTEST_ARGS)

bench: build test-setup
	scripts/bench.sh

clean:
	rm -rf .build data .venv

## make install PREFIX=DIR: booktui and book-server, release builds with the Swift runtime linked in
## (the Dockerfile builds book-server with the same RELEASE_FLAGS), into DIR/bin; their man pages,
## generated from the command-line definitions, into DIR/share/man/man1. DESTDIR stages a package.
RELEASE_FLAGS := -c release --static-swift-stdlib
INSTALL_PRODUCTS := booktui book-server
BINDIR = $(DESTDIR)$(PREFIX)/bin
MAN1DIR = $(DESTDIR)$(PREFIX)/share/man/man1

## make man: swift-argument-parser's generate-manual plugin writes booktui's page (commands and
## options as the code defines them) under .build/plugins/GenerateManual/. It builds the package
## first; in debug mode, which `make build`/`make test` have done already: the definitions are the
## same in both modes, and a second release build with other flags would compile everything again.
man:
	swift package plugin generate-manual --configuration debug

install: build-deps man
	swift build $(RELEASE_FLAGS)
	install -d "$(BINDIR)" "$(MAN1DIR)"
	bin="$$(swift build $(RELEASE_FLAGS) --show-bin-path)"; \
	for p in $(INSTALL_PRODUCTS); do install -m 755 "$$bin/$$p" "$(BINDIR)/$$p"; done
	find .build/plugins/GenerateManual -name 'booktui*.1' -exec install -m 644 {} "$(MAN1DIR)/" \;

uninstall:
	for p in $(INSTALL_PRODUCTS); do rm -f "$(BINDIR)/$$p"; done
	rm -f "$(MAN1DIR)"/booktui*.1
