# bench: rules added by its part
