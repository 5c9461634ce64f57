// Hot elementwise kernels in C, compiled for AVX2/FMA with a baseline fallback chosen at load time.
#pragma once
#include <stddef.h>
