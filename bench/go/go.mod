// The Go side of the client benchmark: the official Go client (the
// `client` package of the LDLM server's module), pinned. go.sum is not kept
// here: bench/run.sh copies this module into its build directory and runs
// `go mod tidy` and `go build` there (GOFLAGS=-mod=mod), and reports the
// Go row as unavailable, with go's error, when the module cannot be had.
module libldlm.bench/goclient

go 1.23

require github.com/imoore76/ldlm v1.2.0
