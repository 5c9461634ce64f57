// zlib, for gzip-compressed IDX files and for PNG's deflate streams.
#include <zlib.h>
