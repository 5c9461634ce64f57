// Small C helpers for the core: CPU feature detection for choosing BLAS kernels.
#pragma once
#include <stddef.h>

/// The OpenBLAS core type whose kernels suit this CPU ("SkylakeX" with AVX-512, "Haswell" with AVX2 and FMA),
/// or NULL when OpenBLAS's own detection should stand.
const char *digits_blas_core_for_cpu(void);
