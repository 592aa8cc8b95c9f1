#ifndef WW_MIGRATE_SOURCE_H
#define WW_MIGRATE_SOURCE_H

#include <stddef.h>

#include "models/defs.h"

/*
 * Reading definitions from paths: the only I/O for definitions. A path is a
 * file or a directory; directories are walked recursively in byte order of
 * the names (hidden entries skipped), taking only *.json, *.jsonl and
 * *.ndjson files. A named file is read whatever its extension (as JSON
 * unless it ends in .jsonl or .ndjson).
 *
 * - *.json: the frontend export shape ({"prizes": [...], ...}) unless the
 *   file's stem names a kind (prizes.json, ticket.json, ...) or a kind is
 *   forced, then a JSON array of that kind. Either is read as a stream, one
 *   definition at a time, in chunks of WW_SOURCE_CHUNK, so memory does not
 *   grow with the file; diagnostics are those of parsing the file whole.
 * - *.jsonl / *.ndjson: JSON Lines, one definition per line, kind from the
 *   stem or forced; read as a stream with a bounded line buffer
 *   (WW_SOURCE_MAX_LINE), so memory does not grow with the file.
 *
 * Problems (a path that does not exist, an unreadable file, an unknown
 * kind, an over-long line) become diagnostics in the set, code "file-read",
 * "kind-unknown", "line-too-long" or "no-definitions".
 */
#define WW_SOURCE_MAX_LINE (4u * 1024u * 1024u)
/* Array files are read as a stream in chunks of this size (more only for
 * a single element larger than that). */
#ifndef WW_SOURCE_CHUNK
#define WW_SOURCE_CHUNK (1024u * 1024u)
#endif

/*
 * Load every path into `set`. `kind_override` is a ww_kind, or -1 to take
 * the kind from each file name. Does not call ww_defset_finish. Returns 0,
 * or WW_EINVALID when some path could not be read (its diagnostic says why);
 * invalid definitions alone still return 0: check the set's diagnostics.
 */
int ww_source_load(ww_defset *set, const char *const *paths, size_t npaths, int kind_override);

/* The kind a file name implies from its stem ("seeds/tickets.json" ->
 * WW_KIND_TICKET), or -1. */
int ww_source_kind_of(const char *path);

#endif
