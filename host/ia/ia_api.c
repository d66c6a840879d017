#include "ia/ia_api.h"

const plug_ia_entries ia_entries = {
    .option = ia_api_option,
    .cid_count = ia_api_cid_count,
    .cid_part = ia_api_cid_part,
    .reply = ia_api_reply,
    .update = ia_api_update,
    .defer = ia_api_defer,
    .modal_open = ia_api_modal_open,
    .autocomplete = ia_api_autocomplete,
    .followup = ia_api_followup,
    .edit_original = ia_api_edit_original,
    .delete_original = ia_api_delete_original,
};
