// A tiny C API over Xlib for the drawing pad. Nothing else in the project includes Xlib.
#pragma once
