# tests/cli: rules added by its part
