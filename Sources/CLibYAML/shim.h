#ifndef AUTOMAIL_CLIBYAML_SHIM_H
#define AUTOMAIL_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
