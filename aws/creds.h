#ifndef WW_AWS_CREDS_H
#define WW_AWS_CREDS_H

#include "aws/config.h"
#include "aws/sigv4.h"

/*
 * Credential providers (docs/aws.md, "Credentials"). A provider hands out
 * copies of its current credentials and refreshes temporary ones before
 * they expire. Thread-safe.
 */
typedef struct ww_creds_provider ww_creds_provider;

/* Fixed credentials (session_token may be NULL). NULL if a key is missing. */
ww_creds_provider *ww_creds_provider_static_new(const char *akid, const char *secret,
						const char *session_token);

/*
 * The SDKs' default chain: environment, profile (static keys or
 * credential_process), web identity, container, EC2 instance metadata.
 * Copies what it needs from `cfg` (which may be released afterwards).
 * Returns NULL with the message set on failure.
 */
ww_creds_provider *ww_creds_provider_chain_new(const ww_aws_config *cfg);

/*
 * Copy of current credentials into `out` (the caller releases it),
 * thread-safe; refreshes temporary credentials when they expire within 5
 * minutes (time from the config's clock seam). WW_EAUTH with a message
 * listing every provider tried when none yields credentials; a provider that
 * is configured but fails stops the chain with its own error. Registers the
 * secret key and token with ww_log_add_secret.
 */
int ww_creds_provider_get(ww_creds_provider *p, ww_creds *out);

/* How many times the provider fetched credentials (tests, --verbose). */
unsigned long ww_creds_provider_fetches(ww_creds_provider *p);

void ww_creds_provider_free(ww_creds_provider *p);

/* Parse an ISO 8601 UTC time as credential endpoints send it
 * ("2026-11-21T23:30:00Z", fractions and +hh:mm offsets allowed).
 * Returns 0 or WW_EINVALID. */
int ww_creds_parse_time(const char *s, time_t *out);

/* Split a credential_process command line into words the way a POSIX shell
 * would, with no expansion of any kind: blanks separate words, '...' is
 * literal, "..." allows \" and \\, a backslash escapes the next character.
 * `*out` is a NULL-terminated array of `*nout` malloc'd strings (the caller
 * frees each and the array). Returns 0 or WW_EINVALID. */
int ww_creds_split_command(const char *cmd, char ***out, size_t *nout);

#endif
