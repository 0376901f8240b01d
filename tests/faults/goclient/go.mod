// SPDX-License-Identifier: MIT
// The official Go client under the fault harness (tests/faults, run.sh
// --go): the `client` package of the LDLM server's module, release v1.2.2.
// The Go module proxy refuses that module, so run.sh copies this module
// into the run's directory, points the requirement at the unchanged
// upstream source in ../shared/vendor ($LDLM_VENDOR_DIR) with a `replace`
// directive, copies that source's go.sum and builds it there.
module libldlm.faults/goclient

go 1.23

require github.com/imoore76/ldlm v1.2.2
