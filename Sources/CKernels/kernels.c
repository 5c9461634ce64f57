// Hot elementwise kernels; see CKernels.h.
#include "CKernels.h"
