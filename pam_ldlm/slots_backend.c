/* SPDX-License-Identifier: MIT */
/*
 * slots_backend.c - the table that pam_ldlm_slots.so exports (see
 * slots_backend.h): slots.c's functions, for pam_ldlm.so to call.
 */
#include "slots_backend.h"

/* The only symbol the backend exports (pam_ldlm_slots.sym). */
extern const pldlm_slots_backend pldlm_slots_backend_v3;

const pldlm_slots_backend pldlm_slots_backend_v3 = {
    .abi = PLDLM_SLOTS_BACKEND_ABI,
    .settings_size = sizeof(pldlm_slot_settings),
    .events_size = sizeof(pldlm_slot_events),
    .result_size = sizeof(pldlm_acquire_result),
    .acquire = pldlm_slots_acquire,
    .owner = pldlm_slots_owner,
    .count = pldlm_slots_count,
    .release = pldlm_slots_release,
    .forget = pldlm_slots_forget,
};
