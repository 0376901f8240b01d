# tests/pam: rules added by its part
