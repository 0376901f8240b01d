# tests/harness: rules added by its part
