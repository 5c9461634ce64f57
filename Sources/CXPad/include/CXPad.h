// A tiny C API over Xlib for the drawing pad: one window, flat events, ARGB frames. Nothing else includes Xlib.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef struct xpad xpad;

/// What happened; `xpad_event.type`.
enum {
    XPAD_BUTTON_PRESS = 1,
    XPAD_BUTTON_RELEASE = 2,
    XPAD_MOTION = 3,
    XPAD_KEY = 4,
    XPAD_EXPOSE = 5,
    XPAD_RESIZE = 6,
    XPAD_CLOSE = 7,
};

/// One event, flattened: only the fields its type names are meaningful.
typedef struct {
    int type;
    int x, y;               // pointer position (buttons, motion)
    int button;             // 1 left, 2 middle, 3 right (buttons)
    unsigned long keysym;   // X keysym (key)
    unsigned int state;     // modifier mask: 1 shift, 4 control (buttons, motion, key)
    int width, height;      // new window size (resize)
} xpad_event;

/// Opens a window of `width` x `height` (never smaller than `min_width` x `min_height`) titled `title`.
/// On failure returns NULL and writes a one-line reason into `err`.
xpad *xpad_open(int width, int height, int min_width, int min_height, const char *title, char *err, size_t errlen);

/// Waits up to `timeout_ms` (negative: forever) for an event. Returns 1 with `*out` filled, 0 on timeout or
/// `xpad_wake`, -1 when the connection to the X server is lost.
int xpad_next_event(xpad *pad, int timeout_ms, xpad_event *out);

/// Wakes a thread blocked in `xpad_next_event`; safe to call from any thread.
void xpad_wake(xpad *pad);

/// Shows a `width` x `height` frame of 0xAARRGGBB pixels at the window's top left. Returns 0, or -1 on failure.
int xpad_present(xpad *pad, const uint32_t *argb, int width, int height);

/// 1 when frames travel through MIT-SHM shared memory, 0 when through XPutImage.
int xpad_uses_shared_memory(const xpad *pad);

/// The last X protocol error, or an empty string.
const char *xpad_last_error(const xpad *pad);

void xpad_close(xpad *pad);
