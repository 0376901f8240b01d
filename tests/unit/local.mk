# tests/unit: rules added by its part
