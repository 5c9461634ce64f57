// The Xlib side of the drawing pad; see CXPad.h.
#define _GNU_SOURCE
#include "CXPad.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

struct xpad {
    Display *display;
    Window window;
    GC gc;
    Atom wm_protocols, wm_delete;
    int wake[2];
    XImage *image;
    XShmSegmentInfo shm;
    int use_shm;        // the server offers MIT-SHM and attaching worked
    int image_w, image_h;
};

// Why: Xlib's default error handler prints and exits. A failed request (say a BadAccess from XShmAttach on a
// remote display) should be recorded and handled, not kill the pad.
static char last_error[160];
static int error_count;

static int record_error(Display *display, XErrorEvent *event) {
    char text[96];
    XGetErrorText(display, event->error_code, text, sizeof text);
    snprintf(last_error, sizeof last_error, "X error: %s (request %d)", text, event->request_code);
    error_count++;
    return 0;
}

// Why: when the connection dies Xlib must not return to the caller; the best we can do is one clear line.
static int connection_lost(Display *display) {
    (void)display;
    fprintf(stderr, "digits: lost the connection to the X server\n");
    _exit(1);
    return 0;
}

static void destroy_image(xpad *pad) {
    if (!pad->image) return;
    if (pad->use_shm) {
        XShmDetach(pad->display, &pad->shm);
        XSync(pad->display, False);
        XDestroyImage(pad->image);  // frees the XImage struct; data is the shared segment
        shmdt(pad->shm.shmaddr);
    } else {
        XDestroyImage(pad->image);  // frees data too
    }
    pad->image = NULL;
}

// Why: MIT-SHM saves copying each frame through the socket, but a remote display (or a server without the
// extension) refuses XShmAttach with BadAccess; we probe under our error handler and fall back to XPutImage.
static int create_shm_image(xpad *pad, int w, int h) {
    int screen = DefaultScreen(pad->display);
    XImage *image = XShmCreateImage(pad->display, DefaultVisual(pad->display, screen),
                                    (unsigned)DefaultDepth(pad->display, screen), ZPixmap, NULL, &pad->shm,
                                    (unsigned)w, (unsigned)h);
    if (!image) return 0;
    pad->shm.shmid = shmget(IPC_PRIVATE, (size_t)image->bytes_per_line * (size_t)h, IPC_CREAT | 0600);
    if (pad->shm.shmid < 0) { XDestroyImage(image); return 0; }
    pad->shm.shmaddr = image->data = shmat(pad->shm.shmid, NULL, 0);
    pad->shm.readOnly = False;
    int errors_before = error_count;
    XSync(pad->display, False);
    Bool attached = XShmAttach(pad->display, &pad->shm);
    XSync(pad->display, False);
    shmctl(pad->shm.shmid, IPC_RMID, NULL);  // freed once both sides detach
    if (!attached || error_count != errors_before || pad->shm.shmaddr == (char *)-1) {
        if (pad->shm.shmaddr != (char *)-1) shmdt(pad->shm.shmaddr);
        image->data = NULL;
        XDestroyImage(image);
        last_error[0] = 0;
        return 0;
    }
    pad->image = image;
    return 1;
}

static int ensure_image(xpad *pad, int w, int h) {
    if (pad->image && pad->image_w == w && pad->image_h == h) return 1;
    destroy_image(pad);
    if (pad->use_shm && !create_shm_image(pad, w, h)) pad->use_shm = 0;
    if (!pad->use_shm) {
        int screen = DefaultScreen(pad->display);
        char *data = malloc((size_t)w * (size_t)h * 4);
        if (!data) return 0;
        pad->image = XCreateImage(pad->display, DefaultVisual(pad->display, screen),
                                  (unsigned)DefaultDepth(pad->display, screen), ZPixmap, 0, data,
                                  (unsigned)w, (unsigned)h, 32, 0);
        if (!pad->image) { free(data); return 0; }
    }
    pad->image_w = w;
    pad->image_h = h;
    return 1;
}

xpad *xpad_open(int width, int height, int min_width, int min_height, const char *title, char *err, size_t errlen) {
    const char *name = getenv("DISPLAY");
    if (!name || !*name) {
        snprintf(err, errlen, "no display: DISPLAY is not set (run on a desktop, or under Xvfb: xvfb-run digits draw)");
        return NULL;
    }
    XSetErrorHandler(record_error);
    XSetIOErrorHandler(connection_lost);
    Display *display = XOpenDisplay(NULL);
    if (!display) {
        snprintf(err, errlen, "cannot open display \"%s\" (is an X server running there? try xvfb-run digits draw)", name);
        return NULL;
    }
    int screen = DefaultScreen(display);
    if (DefaultDepth(display, screen) < 24) {
        snprintf(err, errlen, "display \"%s\" has %d-bit colour; the pad needs 24-bit true colour", name,
                 DefaultDepth(display, screen));
        XCloseDisplay(display);
        return NULL;
    }
    xpad *pad = calloc(1, sizeof *pad);
    pad->display = display;
    if (pipe2(pad->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a wake-up pipe: %s", strerror(errno));
        XCloseDisplay(display);
        free(pad);
        return NULL;
    }
    pad->window = XCreateSimpleWindow(display, RootWindow(display, screen), 0, 0, (unsigned)width,
                                      (unsigned)height, 0, BlackPixel(display, screen), BlackPixel(display, screen));
    XSelectInput(display, pad->window, ExposureMask | ButtonPressMask | ButtonReleaseMask | PointerMotionMask |
                 KeyPressMask | StructureNotifyMask);
    XClassHint *hint = XAllocClassHint();
    hint->res_name = "digits";
    hint->res_class = "digits";
    XSetClassHint(display, pad->window, hint);
    XFree(hint);
    XStoreName(display, pad->window, title);
    Atom utf8 = XInternAtom(display, "UTF8_STRING", False);
    XChangeProperty(display, pad->window, XInternAtom(display, "_NET_WM_NAME", False), utf8, 8, PropModeReplace,
                    (const unsigned char *)title, (int)strlen(title));
    XSizeHints *size = XAllocSizeHints();
    size->flags = PMinSize;
    size->min_width = min_width;
    size->min_height = min_height;
    XSetWMNormalHints(display, pad->window, size);
    XFree(size);
    // Why: without WM_DELETE_WINDOW the window manager's close button kills the connection instead of asking.
    pad->wm_protocols = XInternAtom(display, "WM_PROTOCOLS", False);
    pad->wm_delete = XInternAtom(display, "WM_DELETE_WINDOW", False);
    XSetWMProtocols(display, pad->window, &pad->wm_delete, 1);
    pad->gc = XCreateGC(display, pad->window, 0, NULL);
    pad->use_shm = XShmQueryExtension(display) ? 1 : 0;
    XMapWindow(display, pad->window);
    XFlush(display);
    return pad;
}

static int translate(xpad *pad, XEvent *e, xpad_event *out) {
    memset(out, 0, sizeof *out);
    switch (e->type) {
    case ButtonPress:
    case ButtonRelease:
        out->type = e->type == ButtonPress ? XPAD_BUTTON_PRESS : XPAD_BUTTON_RELEASE;
        out->x = e->xbutton.x; out->y = e->xbutton.y;
        out->button = (int)e->xbutton.button; out->state = e->xbutton.state;
        return 1;
    case MotionNotify:
        out->type = XPAD_MOTION;
        out->x = e->xmotion.x; out->y = e->xmotion.y; out->state = e->xmotion.state;
        return 1;
    case KeyPress: {
        out->type = XPAD_KEY;
        char text[8];
        KeySym keysym = NoSymbol;
        XLookupString(&e->xkey, text, sizeof text, &keysym, NULL);
        out->keysym = (unsigned long)keysym; out->state = e->xkey.state;
        return 1;
    }
    case Expose:
        if (e->xexpose.count != 0) return 0;  // only the last of a series
        out->type = XPAD_EXPOSE;
        return 1;
    case ConfigureNotify:
        out->type = XPAD_RESIZE;
        out->width = e->xconfigure.width; out->height = e->xconfigure.height;
        return 1;
    case ClientMessage:
        if (e->xclient.message_type == pad->wm_protocols && (Atom)e->xclient.data.l[0] == pad->wm_delete) {
            out->type = XPAD_CLOSE;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

int xpad_next_event(xpad *pad, int timeout_ms, xpad_event *out) {
    for (;;) {
        while (XPending(pad->display) > 0) {
            XEvent e;
            XNextEvent(pad->display, &e);
            if (translate(pad, &e, out)) return 1;
        }
        struct pollfd fds[2] = {{ConnectionNumber(pad->display), POLLIN, 0}, {pad->wake[0], POLLIN, 0}};
        int ready = poll(fds, 2, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return -1;
        if (ready == 0) return 0;
        if (fds[1].revents & POLLIN) {
            char drain[64];
            while (read(pad->wake[0], drain, sizeof drain) > 0) {}
            return 0;
        }
        if (fds[0].revents & (POLLERR | POLLHUP)) return -1;
        // Data on the connection: XPending at the top of the loop reads it.
    }
}

void xpad_wake(xpad *pad) {
    char byte = 1;
    ssize_t ignored = write(pad->wake[1], &byte, 1);  // a full pipe already means "wake up"
    (void)ignored;
}

int xpad_present(xpad *pad, const uint32_t *argb, int width, int height) {
    if (width <= 0 || height <= 0 || !ensure_image(pad, width, height)) return -1;
    // 24/32-bit TrueColor ZPixmap on a little-endian client: each pixel is 0x00RRGGBB in native order.
    for (int y = 0; y < height; y++) {
        memcpy(pad->image->data + (size_t)y * (size_t)pad->image->bytes_per_line, argb + (size_t)y * (size_t)width,
               (size_t)width * 4);
    }
    if (pad->use_shm) {
        XShmPutImage(pad->display, pad->window, pad->gc, pad->image, 0, 0, 0, 0, (unsigned)width, (unsigned)height, False);
        XSync(pad->display, False);  // the server must finish reading the segment before we write it again
    } else {
        XPutImage(pad->display, pad->window, pad->gc, pad->image, 0, 0, 0, 0, (unsigned)width, (unsigned)height);
        XFlush(pad->display);
    }
    return 0;
}

int xpad_uses_shared_memory(const xpad *pad) { return pad->use_shm; }

const char *xpad_last_error(const xpad *pad) { (void)pad; return last_error; }

void xpad_close(xpad *pad) {
    if (!pad) return;
    destroy_image(pad);
    XFreeGC(pad->display, pad->gc);
    XDestroyWindow(pad->display, pad->window);
    XCloseDisplay(pad->display);
    close(pad->wake[0]);
    close(pad->wake[1]);
    free(pad);
}
