#pragma once
/* Placeholder until tools/genidl.py generates this header from
 * libs/common/idl/ into the build tree. */
#define IDL_MESSAGE_VIEWS
#define IDL_STATIC_ASSERTS
