#include "a/a_internal.h"
