#include "pipeline_floor.h"

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <yaml.h>

/// A growable byte buffer, reused across bodies as a writer's output buffer would be.
typedef struct {
    unsigned char *bytes;
    size_t length;
    size_t capacity;
} buffer;

static int buffer_reserve(buffer *b, size_t extra) {
    if (b->length + extra <= b->capacity) return 1;
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->length + extra) capacity *= 2;
    unsigned char *grown = realloc(b->bytes, capacity);
    if (!grown) return 0;
    b->bytes = grown;
    b->capacity = capacity;
    return 1;
}

/// Appends `text` as a JSON string (quotes, `\"`, `\\`, `\n`, `\t`, `\r`, `\u00XX` for other controls),
/// as automail's writer escapes the HTML and text it stores. Returns the bytes written.
static size_t json_escape(buffer *out, const char *text, size_t length) {
    static const char hex[] = "0123456789abcdef";
    // Worst case: every byte becomes \u00XX, plus the two quotes.
    if (!buffer_reserve(out, length * 6 + 2)) return 0;
    size_t start = out->length;
    unsigned char *p = out->bytes + out->length;
    *p++ = '"';
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        switch (c) {
        case '"': *p++ = '\\'; *p++ = '"'; break;
        case '\\': *p++ = '\\'; *p++ = '\\'; break;
        case '\n': *p++ = '\\'; *p++ = 'n'; break;
        case '\r': *p++ = '\\'; *p++ = 'r'; break;
        case '\t': *p++ = '\\'; *p++ = 't'; break;
        default:
            if (c < 0x20) {
                *p++ = '\\'; *p++ = 'u'; *p++ = '0'; *p++ = '0';
                *p++ = (unsigned char)hex[c >> 4]; *p++ = (unsigned char)hex[c & 15];
            } else {
                *p++ = c;
            }
        }
    }
    *p++ = '"';
    out->length = (size_t)(p - out->bytes);
    return out->length - start;
}

/// Renders one Markdown body to HTML and to plain text at 78 columns, and escapes both as JSON strings.
static void render_body(const char *markdown, size_t length, buffer *json, floor_result *result) {
    cmark_node *document = cmark_parse_document(markdown, length, CMARK_OPT_DEFAULT);
    if (!document) return;
    char *html = cmark_render_html(document, CMARK_OPT_DEFAULT, NULL);
    char *text = cmark_render_plaintext(document, CMARK_OPT_DEFAULT, 78);
    if (html) {
        size_t n = strlen(html);
        result->html_bytes += n;
        result->json_bytes += json_escape(json, html, n);
        free(html);
    }
    if (text) {
        size_t n = strlen(text);
        result->text_bytes += n;
        result->json_bytes += json_escape(json, text, n);
        free(text);
    }
    cmark_node_free(document);
    result->bodies += 1;
    json->length = 0;  // The next body reuses the buffer, as a streamed writer flushes its own.
}

/// Where the event loop stands in one collection: mappings alternate keys and values.
typedef struct {
    int is_mapping;
    int expect_key;
    int key_is_body;
} frame;

enum { max_depth = 256 };

/// Parses one file to STREAM_END; with `json` set, renders the value of every `body:` key.
static int run_file(const floor_file *file, buffer *json, floor_result *result) {
    yaml_parser_t parser;
    yaml_event_t event;
    frame stack[max_depth];
    int depth = 0;
    int unstacked = 0;  // Collections nested deeper than the stack: counted, never looked into.
    if (!yaml_parser_initialize(&parser)) return 0;
    yaml_parser_set_input_string(&parser, file->bytes, file->length);
    int ok = 1;
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) { ok = 0; break; }
        result->events += 1;
        yaml_event_type_t type = event.type;
        if (json && (type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT
                     || type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT)) {
            frame *top = depth > 0 && unstacked == 0 ? &stack[depth - 1] : NULL;
            if (top && top->is_mapping && top->expect_key) {
                top->key_is_body = type == YAML_SCALAR_EVENT && event.data.scalar.length == 4
                    && memcmp(event.data.scalar.value, "body", 4) == 0;
                top->expect_key = 0;
            } else {
                if (top && top->is_mapping) {
                    if (top->key_is_body && type == YAML_SCALAR_EVENT) {
                        render_body((const char *)event.data.scalar.value, event.data.scalar.length, json, result);
                    }
                    top->expect_key = 1;
                }
            }
            if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT) {
                if (depth < max_depth && unstacked == 0) {
                    stack[depth++] = (frame){ type == YAML_MAPPING_START_EVENT, 1, 0 };
                } else {
                    unstacked += 1;
                }
            }
        } else if (json && (type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT)) {
            if (unstacked > 0) unstacked -= 1;
            else if (depth > 0) depth -= 1;
        }
        int done = type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    return ok;
}

floor_result floor_bare_loop(const floor_file *files, size_t count) {
    floor_result result = {0};
    for (size_t i = 0; i < count; i++) {
        if (!run_file(&files[i], NULL, &result)) { result.error = 1; break; }
    }
    return result;
}

floor_result floor_pipeline(const floor_file *files, size_t count) {
    floor_result result = {0};
    buffer json = {0};
    for (size_t i = 0; i < count; i++) {
        if (!run_file(&files[i], &json, &result)) { result.error = 1; break; }
    }
    free(json.bytes);
    return result;
}
