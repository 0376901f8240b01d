# tests/conf: rules added by its part
