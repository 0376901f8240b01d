// SPDX-License-Identifier: MIT
// The Go side of the client benchmark: the official Go client (the
// `client` package of the LDLM server's module), release v1.2.2, the version
// of the server the tests run. The Go module proxy refuses that module, so
// bench/run.sh copies this module into its build directory, points the
// requirement at the unchanged upstream source in ../shared/vendor with a
// `replace` directive (go mod edit -replace), copies that source's go.sum
// (the checksum database does not answer for one of its dependencies) and
// runs `go mod tidy` and `go build` there. When no source is found the Go
// row is reported as unavailable, with go's error.
module libldlm.bench/goclient

go 1.23

require github.com/imoore76/ldlm v1.2.2
