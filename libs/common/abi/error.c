#include "error.h"

const char *err_str(error_t err) {
    switch (err) {
#define ERROR_STR_CASE(name, value, msg)                                       \
    case value:                                                                \
        return msg;
        ERROR_LIST(ERROR_STR_CASE)
#undef ERROR_STR_CASE
    }
    return "unknown error";
}

const char *err_name(error_t err) {
    switch (err) {
#define ERROR_NAME_CASE(name, value, msg)                                      \
    case value:                                                                \
        return #name;
        ERROR_LIST(ERROR_NAME_CASE)
#undef ERROR_NAME_CASE
    }
    return "ERR_UNKNOWN";
}
