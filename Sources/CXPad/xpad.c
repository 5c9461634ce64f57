#include "CXPad.h"
