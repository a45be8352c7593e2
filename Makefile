# MixPlan — the two commands a new user needs: `make demo` and `make test`.
# Each first makes sure NLopt (and pkg-config, which finds it) is installed; `make test` also
# installs Debian's chromium, in which a test renders report.html (skipped where it cannot be).

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: demo test bench nlopt chromium baseline

nlopt:
	@if ! pkg-config --exists nlopt 2>/dev/null; then \
		echo "make: NLopt not found through pkg-config; installing libnlopt-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq pkg-config libnlopt-dev; \
	fi

# A missing browser is not fatal: the browser test then prints that it was skipped.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
		&& ! command -v google-chrome >/dev/null 2>&1; then \
		echo "make: chromium not found; installing Debian's chromium for the report's browser test"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium \
			|| echo "make: could not install chromium; the browser test of report.html will be skipped"; \
	fi

# Release builds use the vector instructions of the machine they are built on, as a compiler's
# -march=native would: the model's innermost loops (the lane-wise exp and log of the Hill curve,
# the adstock sums) run on AVX2 with fused multiply-adds, a gradient of the 40-geo model about
# 1.35× faster. A machine without AVX2/FMA (or not x86-64) gets the portable build; `make demo
# CPU=` forces it, `CPU=skylake-avx512` (any name `swiftc -target-cpu` knows) picks another.
CPU ?= $(shell [ "$$(uname -m)" = x86_64 ] && for f in avx2 fma bmi2 movbe f16c; do grep -qw $$f /proc/cpuinfo || exit 1; done && echo haswell)
RELEASE := -c release $(if $(CPU),-Xswiftc -target-cpu -Xswiftc $(CPU))

demo: nlopt
	$(SWIFT) build $(RELEASE) --product mixplan
	.build/release/mixplan demo

test: nlopt chromium
	$(SWIFT) test

# Side-by-side figures against PyMC-Marketing when the workspace's shared peers folder (PEERS_DIR)
# is there (its README says how to make its Python environment); skipped otherwise.
PEERS_DIR ?= $(abspath $(CURDIR)/..)/shared/peers
PEERS := $(wildcard $(PEERS_DIR))

# The build before the model core, built from this repository's history into
# .build-baseline so that `make bench` compares both in one run; skipped where the history is absent.
BASELINE ?= a992a10
BASELINE_BIN := .build-baseline/build/release/mixplan

baseline:
	@if [ ! -x $(BASELINE_BIN) ] && git cat-file -e $(BASELINE)^{commit} 2>/dev/null; then \
		echo "make: building the baseline $(BASELINE) for side-by-side figures"; \
		rm -rf .build-baseline/src && mkdir -p .build-baseline/src && \
		git archive $(BASELINE) | tar -x -C .build-baseline/src && \
		$(SWIFT) build $(RELEASE) --product mixplan --package-path .build-baseline/src --scratch-path .build-baseline/build; \
	fi

bench: nlopt baseline
	$(SWIFT) build $(RELEASE) --product mixplan
	$(SWIFT) build $(RELEASE) --product mixplan-bench
	.build/release/mixplan-bench $(if $(PEERS),--peers $(abspath $(PEERS))) $(if $(wildcard $(BASELINE_BIN)),--baseline $(abspath $(BASELINE_BIN)))
