// libFuzzer's driver entry (compiler-rt FuzzerInterface.h). SwiftPM links an executable target's
// `main` under another name, so AutomailFuzz defines that entry and hands over to libFuzzer here.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
