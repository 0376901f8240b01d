/* SPDX-License-Identifier: MIT */
/*
 * slots_backend.h - the seam between pam_ldlm.so and pam_ldlm_slots.so.
 *
 * Loading libldlm means loading gRPC and some sixty shared libraries, which
 * costs a fresh process 7 to 10 ms. Logins that need no slot (root, exempt
 * users and groups, unlimited users) should not pay it, so the slot code
 * (slots.c and libldlm) lives in a backend that pam_ldlm.so opens with
 * dlopen() the first time a login needs a slot. The backend exports one
 * table of functions, implementing slots.h.
 */
#ifndef PAM_LDLM_SLOTS_BACKEND_H
#define PAM_LDLM_SLOTS_BACKEND_H

#include <stddef.h>

#include "slots.h"

/* File name of the backend, and its one exported symbol. */
#define PLDLM_SLOTS_BACKEND_FILE "pam_ldlm_slots.so"
#define PLDLM_SLOTS_BACKEND_SYMBOL "pldlm_slots_backend_v3"
/* Bumped whenever the table or the structures it passes change. */
#define PLDLM_SLOTS_BACKEND_ABI 3

typedef struct pldlm_slots_backend {
    int abi;
    /* sizeof of the structures shared by both sides, checked at load: the
     * two files must come from the same build. */
    size_t settings_size;
    size_t events_size;
    size_t result_size;
    pldlm_acquire_status (*acquire)(const pldlm_slot_settings *settings,
                                    const pldlm_slot_events *events,
                                    const pldlm_slot_request *requests,
                                    size_t count, const pldlm_identity *who,
                                    pldlm_slots **out,
                                    pldlm_acquire_result *res);
    pid_t (*owner)(const pldlm_slots *s);
    size_t (*count)(const pldlm_slots *s);
    void (*release)(pldlm_slots *s, const pldlm_slot_events *events);
    void (*forget)(pldlm_slots *s);
} pldlm_slots_backend;

#endif /* PAM_LDLM_SLOTS_BACKEND_H */
