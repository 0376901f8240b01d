/* SPDX-License-Identifier: MIT */
/* tls.c - channel credentials: plaintext, TLS, mutual TLS, skip-verify.
 *
 * Files are read and parsed here, at client creation, so that a missing or
 * malformed CA, certificate or key is reported as LDLM_ERR_TLS_FILE naming
 * the file, instead of surfacing later as an opaque handshake failure.
 *
 * Parsing is expensive with OpenSSL 3.0 (Debian 12): every certificate or
 * key goes through the provider decoders, about 1.6 million instructions
 * each, a seventh of a whole TLS connection. So contents that passed are
 * remembered by their SHA-256 (never the contents, never a failure) and are
 * not parsed again: the files are still read at every ldlm_client_new, and
 * any change in them is checked afresh. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "internal.h"

#define MAX_PEM_FILE_BYTES (1024 * 1024)

/* ---- contents that passed validation ------------------------------------ */

/* A few entries cover a process's configurations (one CA, one client pair,
 * the odd second server); the oldest is forgotten first. */
#define VALIDATED_ENTRIES 8

/* VALIDATED_NONE: the zeroed, unused entries, which nothing looks up. */
typedef enum {
    VALIDATED_NONE,
    VALIDATED_CA,
    VALIDATED_KEY_PAIR
} validated_kind;

typedef struct {
    validated_kind kind;
    unsigned char first[SHA256_DIGEST_LENGTH];  /* CA, or certificate */
    unsigned char second[SHA256_DIGEST_LENGTH]; /* key; zero for a CA */
} validated_entry;

static pthread_mutex_t validated_mutex = PTHREAD_MUTEX_INITIALIZER;
static validated_entry validated[VALIDATED_ENTRIES];
static size_t validated_next;

static validated_entry validated_key(validated_kind kind, const char *first,
                                     const char *second)
{
    validated_entry e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    SHA256((const unsigned char *)first, strlen(first), e.first);
    if (second)
        SHA256((const unsigned char *)second, strlen(second), e.second);
    return e;
}

static bool validated_find(const validated_entry *e)
{
    bool found = false;
    pthread_mutex_lock(&validated_mutex);
    for (size_t i = 0; i < VALIDATED_ENTRIES && !found; i++)
        found = memcmp(&validated[i], e, sizeof *e) == 0;
    pthread_mutex_unlock(&validated_mutex);
    return found;
}

static void validated_add(const validated_entry *e)
{
    pthread_mutex_lock(&validated_mutex);
    validated[validated_next] = *e;
    validated_next = (validated_next + 1) % VALIDATED_ENTRIES;
    pthread_mutex_unlock(&validated_mutex);
}

/* Reads a whole PEM file into a NUL-terminated string. */
static ldlm_err read_pem_file(const char *what, const char *path, char **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ldlmi_fail(LDLM_ERR_TLS_FILE, "%s file %s: %s", what, path,
                          strerror(errno));
    char *buf = malloc(MAX_PEM_FILE_BYTES + 1);
    if (!buf) {
        fclose(f);
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    size_t n = fread(buf, 1, MAX_PEM_FILE_BYTES + 1, f);
    bool failed = ferror(f);
    fclose(f);
    if (failed || n > MAX_PEM_FILE_BYTES) {
        free(buf);
        return ldlmi_fail(LDLM_ERR_TLS_FILE, "%s file %s: %s", what, path,
                          failed ? "read error" : "larger than 1 MiB");
    }
    buf[n] = '\0';
    *out = buf;
    return LDLM_OK;
}

static void openssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, buf, len);
    else
        snprintf(buf, len, "no PEM data");
    ERR_clear_error();
}

/* Checks that pem holds at least one certificate; returns the first. */
static ldlm_err parse_certificate(const char *what, const char *path,
                                  const char *pem, X509 **first)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    if (!bio)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!cert) {
        char reason[256];
        openssl_reason(reason, sizeof reason);
        return ldlmi_fail(LDLM_ERR_TLS_FILE,
                          "%s file %s: not a PEM certificate (%s)", what, path,
                          reason);
    }
    if (first)
        *first = cert;
    else
        X509_free(cert);
    return LDLM_OK;
}

static ldlm_err check_key_pair(const ldlm_config *config, const char *cert_pem,
                               const char *key_pem)
{
    X509 *cert = NULL;
    ldlm_err err =
        parse_certificate("certificate", config->tls_cert, cert_pem, &cert);
    if (err != LDLM_OK)
        return err;
    BIO *bio = BIO_new_mem_buf(key_pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key) {
        char reason[256];
        openssl_reason(reason, sizeof reason);
        X509_free(cert);
        return ldlmi_fail(LDLM_ERR_TLS_FILE,
                          "key file %s: not an unencrypted PEM private key "
                          "(%s)",
                          config->tls_key, reason);
    }
    int matches = X509_check_private_key(cert, key);
    ERR_clear_error();
    EVP_PKEY_free(key);
    X509_free(cert);
    if (matches != 1)
        return ldlmi_fail(LDLM_ERR_TLS_FILE,
                          "key file %s does not match certificate %s",
                          config->tls_key, config->tls_cert);
    return LDLM_OK;
}

/* Skip-verify needs the experimental TLS options API: the classic SSL
 * credentials' verify callback runs only after the chain check passed. All
 * three of "don't verify the server certificate", a no-op verifier and "don't
 * check the call host" are needed, else calls fail UNAUTHENTICATED. */
static grpc_channel_credentials *skip_verify_credentials(const char *cert_pem,
                                                         const char *key_pem)
{
    grpc_tls_credentials_options *options =
        grpc_tls_credentials_options_create();
    if (!options)
        return NULL;
    if (cert_pem) {
        grpc_tls_identity_pairs *pairs = grpc_tls_identity_pairs_create();
        grpc_tls_identity_pairs_add_pair(pairs, key_pem, cert_pem);
        grpc_tls_certificate_provider *provider =
            grpc_tls_certificate_provider_static_data_create(NULL, pairs);
        grpc_tls_credentials_options_set_certificate_provider(options,
                                                              provider);
        grpc_tls_certificate_provider_release(provider);
        grpc_tls_credentials_options_watch_identity_key_cert_pairs(options);
    }
    grpc_tls_credentials_options_set_verify_server_cert(options, 0);
    grpc_tls_certificate_verifier *verifier =
        grpc_tls_certificate_verifier_no_op_create();
    grpc_tls_credentials_options_set_certificate_verifier(options, verifier);
    grpc_tls_certificate_verifier_release(verifier); /* options hold a ref */
    grpc_tls_credentials_options_set_check_call_host(options, 0);
    return grpc_tls_credentials_create(options);
}

ldlm_err ldlmi_credentials_create(const ldlm_config *config,
                                  grpc_channel_credentials **out)
{
    *out = NULL;
    bool has_cert = config->tls_cert && *config->tls_cert;
    bool has_key = config->tls_key && *config->tls_key;
    bool has_ca = config->ca_file && *config->ca_file;

    if (!config->use_tls) {
        if (has_cert || has_key || has_ca || config->skip_verify)
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "TLS settings given but use_tls is off");
        *out = grpc_insecure_credentials_create();
        return *out ? LDLM_OK : ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    if (has_cert != has_key)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "mutual TLS needs both tls_cert and tls_key");

    char *ca_pem = NULL, *cert_pem = NULL, *key_pem = NULL;
    ldlm_err err = LDLM_OK;
    if (has_ca &&
        (err = read_pem_file("CA", config->ca_file, &ca_pem)) == LDLM_OK) {
        validated_entry e = validated_key(VALIDATED_CA, ca_pem, NULL);
        if (!validated_find(&e) &&
            (err = parse_certificate("CA", config->ca_file, ca_pem, NULL)) ==
                LDLM_OK)
            validated_add(&e);
    }
    if (err == LDLM_OK && has_cert &&
        (err = read_pem_file("certificate", config->tls_cert, &cert_pem)) ==
            LDLM_OK &&
        (err = read_pem_file("key", config->tls_key, &key_pem)) == LDLM_OK) {
        validated_entry e =
            validated_key(VALIDATED_KEY_PAIR, cert_pem, key_pem);
        if (!validated_find(&e) &&
            (err = check_key_pair(config, cert_pem, key_pem)) == LDLM_OK)
            validated_add(&e);
        explicit_bzero(&e, sizeof e);
    }

    if (err == LDLM_OK) {
        if (config->skip_verify) {
            *out = skip_verify_credentials(cert_pem, key_pem);
        } else {
            grpc_ssl_pem_key_cert_pair pair = {key_pem, cert_pem};
            *out = grpc_ssl_credentials_create_ex(
                ca_pem, has_cert ? &pair : NULL, NULL, NULL);
        }
        if (!*out)
            err =
                ldlmi_fail(LDLM_ERR_INTERNAL, "gRPC refused the TLS settings");
    }
    free(ca_pem);
    free(cert_pem);
    if (key_pem) {
        /* Wipe the private key before giving the memory back. */
        explicit_bzero(key_pem, strlen(key_pem));
        free(key_pem);
    }
    return err;
}
