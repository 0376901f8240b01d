/* SPDX-License-Identifier: MIT */
/* address.c - turns a user's server address into a gRPC target.
 *
 * gRPC accepts many target syntaxes; we accept the ones the Go client's
 * users write ("host:port", "[v6addr]:port") plus a bare host, and reject
 * the ambiguous bare IPv6 form ("::1:3144" could be a port or not). The
 * TLS server name is derived by gRPC from the target's host part, brackets
 * removed, which is what makes IPv6 with TLS work (the Go client cuts the
 * address at the first ':' instead). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ldlm_util.h"

#define DEFAULT_PORT "3144"

static bool valid_port(const char *port)
{
    long value;
    /* No sign: "-0" would pass the range check of the number alone. */
    return *port != '-' &&
           ldlmu_parse_long(port, 1, 65535, &value) == LDLMU_NUMBER_OK;
}

static bool valid_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

static ldlm_err join_target(const char *host, size_t host_len, bool bracketed,
                            const char *port, char **target)
{
    size_t len = host_len + strlen(port) + 4;
    char *out = malloc(len);
    if (!out)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    snprintf(out, len, "%s%.*s%s:%s", bracketed ? "[" : "", (int)host_len, host,
             bracketed ? "]" : "", port);
    *target = out;
    return LDLM_OK;
}

ldlm_err ldlmi_address_to_target(const char *address, char **target)
{
    *target = NULL;
    if (!address || !*address)
        address = LDLM_DEFAULT_ADDRESS;

    if (address[0] == '[') {
        const char *close = strchr(address, ']');
        if (!close || close == address + 1)
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "address \"%s\": unterminated or empty [IPv6] "
                              "host",
                              address);
        /* Hex digits, ':' and '.' (embedded IPv4), then an optional
         * "%zone" suffix naming an interface. */
        bool in_zone = false;
        for (const char *p = address + 1; p < close; p++) {
            if (*p == '%' && !in_zone)
                in_zone = true;
            else if (in_zone ? !valid_host_char(*p)
                             : !isxdigit((unsigned char)*p) && *p != ':' &&
                                   *p != '.')
                return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                                  "address \"%s\": invalid IPv6 host", address);
        }
        const char *port = DEFAULT_PORT;
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "address \"%s\": expected ':' after ']'",
                              address);
        if (!valid_port(port))
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "address \"%s\": invalid port", address);
        return join_target(address + 1, (size_t)(close - address - 1), true,
                           port, target);
    }

    const char *colon = strchr(address, ':');
    if (colon && strchr(colon + 1, ':'))
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "address \"%s\": write IPv6 addresses as "
                          "[addr]:port",
                          address);
    size_t host_len = colon ? (size_t)(colon - address) : strlen(address);
    if (host_len == 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "address \"%s\": missing host", address);
    for (size_t i = 0; i < host_len; i++)
        if (!valid_host_char(address[i]))
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "address \"%s\": invalid character in host",
                              address);
    const char *port = colon ? colon + 1 : DEFAULT_PORT;
    if (!valid_port(port))
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "address \"%s\": invalid port", address);
    return join_target(address, host_len, false, port, target);
}
