#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
// The C boundary to PostgreSQL's client library (Debian: libpq-dev; include path from pkg-config libpq).
#include <libpq-fe.h>
#endif
