# tests/nss: rules added by its part
