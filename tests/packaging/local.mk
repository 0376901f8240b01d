# SPDX-License-Identifier: MIT
# Packaging: install into a scratch DESTDIR, build a program with pkg-config,
# check exported symbols.
TESTS += tests/packaging/licence.sh
# Every C file follows .clang-format.
TESTS += tests/packaging/format.sh
# One man page per public function, each agreeing with ldlm.h.
TESTS += tests/packaging/manpages.sh
EXTRA_DIST += tests/packaging/manpages.sh
# The installed tree of a full build: the library, the PAM module, the tool.
if ENABLE_PAM
if ENABLE_CLI
TESTS += tests/packaging/install.sh
endif
endif
EXTRA_DIST += tests/packaging/install.sh tests/packaging/licence.sh \
	tests/packaging/format.sh
