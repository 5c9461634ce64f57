// CBLAS from Debian's OpenBLAS (libopenblas-dev); pkg-config `openblas` supplies the include path.
#include <cblas.h>
