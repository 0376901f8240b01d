# tests/e2e: rules added by its part
