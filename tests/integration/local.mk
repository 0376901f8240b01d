# tests/integration: rules added by its part
