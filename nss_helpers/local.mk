# nss_helpers: rules added by its part
