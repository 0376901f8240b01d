# SPDX-License-Identifier: MIT
# Packaging: install into a scratch DESTDIR, build a program with pkg-config,
# check exported symbols.
TESTS += tests/packaging/install.sh tests/packaging/licence.sh
EXTRA_DIST += tests/packaging/install.sh tests/packaging/licence.sh
