// Giving freed memory back to the system; see CKernels.h.
#include "CKernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void digits_return_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
