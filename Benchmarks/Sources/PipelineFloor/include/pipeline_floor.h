// The floor automail's performance is measured against (BENCHMARKS.md, "The floor"): the least work any
// compiler that pre-renders its emails must do, written in C over the libraries a C programmer would
// pick. Kept in the Benchmarks package so the product never links cmark-gfm.
#ifndef PIPELINE_FLOOR_H
#define PIPELINE_FLOOR_H

#include <stddef.h>

/// One file's bytes, as read from disk.
typedef struct {
    const unsigned char *bytes;
    size_t length;
} floor_file;

/// What a run did: counts, so that no work can be optimised away and two runs can be compared.
typedef struct {
    /// libyaml events parsed, over every file.
    long events;
    /// Markdown bodies rendered (the scalar values of every `body:` key).
    long bodies;
    /// Bytes of HTML, of plain text, and of the JSON strings escaped from both.
    size_t html_bytes;
    size_t text_bytes;
    size_t json_bytes;
    /// 0, or 1 when libyaml refused a file (the run stops there).
    int error;
} floor_result;

/// libyaml's bare event loop: `yaml_parser_parse` to STREAM_END on every file, each event deleted,
/// nothing built.
floor_result floor_bare_loop(const floor_file *files, size_t count);

/// The pipeline floor: libyaml's event loop over every file; for the value of every `body:` key,
/// cmark-gfm's HTML and its plain text wrapped at 78 columns; each of the two escaped as a JSON string
/// into one reused buffer.
floor_result floor_pipeline(const floor_file *files, size_t count);

#endif
