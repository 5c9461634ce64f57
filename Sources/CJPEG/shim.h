// libjpeg-turbo, for JPEG files, behind three small functions that report errors instead of exiting.
//
// libjpeg's default error handler prints the message and calls exit(), which would end the whole program on
// one broken file. Here each call installs its own error manager: a fatal error formats its message and
// longjmp()s back to the function that started the work, which cleans up and returns -1. Only libjpeg's C
// frames lie between setjmp and longjmp, never Swift ones. The functions are static inline so that this
// header is the whole shim (a system library target holds no C files); setjmp keeps them from being inlined.
#ifndef DIGITS_CJPEG_SHIM_H
#define DIGITS_CJPEG_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

struct digits_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
};

static void digits_jpeg_fail(j_common_ptr cinfo) {
    struct digits_jpeg_error *error = (struct digits_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->escape, 1);
}

// Warnings are ignored, except that data ending early is fatal: libjpeg would otherwise pad a truncated
// file with gray and call it a success.
static void digits_jpeg_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) digits_jpeg_fail(cinfo);
}

static void digits_jpeg_errors(struct digits_jpeg_error *error) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = digits_jpeg_fail;
    error->manager.emit_message = digits_jpeg_message;
    error->message[0] = 0;
}

static void digits_jpeg_copy_message(const struct digits_jpeg_error *error, char *out, size_t length) {
    if (length == 0) return;
    strncpy(out, error->message, length - 1);
    out[length - 1] = 0;
}

/// Reads a JPEG's header from memory: its width and height. Returns 0, or -1 with the reason in `message`.
static inline int digits_jpeg_size(const unsigned char *data, unsigned long size, int *width, int *height,
                                   char *message, size_t message_length) {
    struct jpeg_decompress_struct cinfo;
    struct digits_jpeg_error error;
    digits_jpeg_errors(&error);
    cinfo.err = &error.manager;
    if (setjmp(error.escape)) {
        digits_jpeg_copy_message(&error, message, message_length);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/// Decodes a JPEG from memory into `width * height` luminance bytes (libjpeg converts colour to gray), after
/// the caller has checked the size from `digits_jpeg_size`. Returns 0, or -1 with the reason in `message`.
static inline int digits_jpeg_decode_gray(const unsigned char *data, unsigned long size, unsigned char *pixels,
                                          int width, int height, char *message, size_t message_length) {
    struct jpeg_decompress_struct cinfo;
    struct digits_jpeg_error error;
    digits_jpeg_errors(&error);
    cinfo.err = &error.manager;
    if (setjmp(error.escape)) {
        digits_jpeg_copy_message(&error, message, message_length);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    if ((int)cinfo.image_width != width || (int)cinfo.image_height != height) {
        snprintf(error.message, sizeof error.message, "size changed between reads");
        longjmp(error.escape, 1);
    }
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * (size_t)width;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/// Encodes `width * height` luminance bytes as a baseline JPEG at `quality` (1...100) into a buffer that
/// `*out` points to afterwards; release it with `digits_jpeg_free`. Returns 0, or -1 with the reason.
static inline int digits_jpeg_encode_gray(const unsigned char *pixels, int width, int height, int quality,
                                          unsigned char **out, unsigned long *out_size,
                                          char *message, size_t message_length) {
    struct jpeg_compress_struct cinfo;
    struct digits_jpeg_error error;
    digits_jpeg_errors(&error);
    cinfo.err = &error.manager;
    *out = NULL;
    *out_size = 0;
    if (setjmp(error.escape)) {
        digits_jpeg_copy_message(&error, message, message_length);
        jpeg_destroy_compress(&cinfo);
        free(*out);
        *out = NULL;
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, out, out_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}

/// Releases a buffer from `digits_jpeg_encode_gray`.
static inline void digits_jpeg_free(unsigned char *buffer) { free(buffer); }

#endif
