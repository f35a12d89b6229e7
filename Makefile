# Makefile -- PGXS build of the PostgreSQL extension, and the project's targets.
#
#   make            build the PostgreSQL module (vigil.so) and the SQLite extension (build/vigil.so)
#   make install    install the PostgreSQL extension
#   make test       everything: deps, unit tests, SQLite tests, pg_regress, conformance, short fuzz
#   make test-asan  unit and SQLite tests with AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-memcheck  pg_regress and hostile input with the PostgreSQL server under Valgrind
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 600)
#   make demo       the validation-platform demo on SQLite (ENGINE=postgres for PostgreSQL)
#   make bench      the side-by-side benchmarks
#   make lint       clang-tidy, cppcheck and clang-format on common/

EXTENSION = vigil
MODULE_big = vigil
MODULEDIR = extension
# Released install scripts are never edited: 0.1.0 is installed, then upgraded (vigil.control's
# default_version); each later change to the SQL surface is an upgrade script (docs/upgrading.md).
DATA = $(sort $(wildcard pg_extension/sql/vigil--*.sql))
PG_CONFIG ?= pg_config

CORE_SRCS := $(sort $(wildcard common/*/*.cpp))
PG_SRCS := $(sort $(wildcard pg_extension/*.cpp))
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

REGRESS = setup faults cancel schema stats errors integrity integrity_pg rules repair migrate migrate_concurrency query_stats health monitor optimize checksum security upgrade security_quarantine sequence_default inheritance defaults messages security_rules security_limits
REGRESS_OPTS = --outputdir=build/regress --load-extension=plpgsql
# Isolation tests (specs/*.spec, expected/*.out): pg_isolation_regress, run by installcheck.
ISOLATION = migrate_lock repair_concurrency quarantine_batch
ISOLATION_OPTS = --outputdir=build/isolation
REGRESS_PREP = build/isolation

PG_CPPFLAGS = -I$(CURDIR)/common -I$(CURDIR)
# -MMD: PGXS does not track header dependencies itself; the .d files beside the objects do.
PG_CXXFLAGS = -std=c++17 -fvisibility=hidden -Wno-register -Wno-missing-field-initializers -MMD -MP
SHLIB_LINK = -lfmt -lxxhash -lstdc++

# No LLVM bitcode: the JIT cannot inline C++ anyway, and clang would have to match g++.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# No PostgreSQL server headers yet (postgresql-server-dev-15): the project targets below still
# work, and install what they need; `make`/`make install` ask for it.
all install installcheck:
	@echo "PGXS not found: run 'make deps' (or 'make test', which installs everything)" >&2; exit 1
endif

build/isolation:
	mkdir -p $@

-include $(OBJS:.o=.d)

all: sqlite
EXTRA_CLEAN = build $(OBJS:.o=.d)

.PHONY: sqlite deps test test-asan test-memcheck fuzz demo bench lint
BUILD_TYPE ?= RelWithDebInfo
# Tests and benchmarks are built when GoogleTest / Google Benchmark are installed.
CMAKE_OPTS ?= -DVIGIL_BUILD_TESTS=AUTO -DVIGIL_BUILD_BENCH=AUTO

sqlite:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_OPTS) > /dev/null
	cmake --build build -j2

deps:
	scripts/install-deps.sh

test:
	scripts/test.sh

test-asan:
	scripts/test-asan.sh

test-memcheck:
	scripts/test-memcheck.sh

FUZZ_SECONDS ?= 600
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

demo:
	scripts/demo.sh $(ENGINE)

bench:
	scripts/bench.sh

lint:
	scripts/lint.sh

# Debian packages (postgresql-15-vigil, libsqlite3-mod-vigil) into build/deb/: scripts/deb.sh
.PHONY: deb
deb:
	scripts/deb.sh
