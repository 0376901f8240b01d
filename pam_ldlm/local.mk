# pam_ldlm: rules added by its part
