/* The bh_api entries implemented by host/ia/: reading what it parsed, answering. */
#ifndef BH_IA_API_H
#define BH_IA_API_H

#include "plug/plug_ctx.h"

/* All of them, as the call carries them (plug_ctx_set_interaction()); in ia_answer.c. */
extern const plug_ia_entries ia_entries;

#endif
