#ifndef CQRENCODE_SHIM_H
#define CQRENCODE_SHIM_H
/* Kentaro Fukuchi's libqrencode (Debian libqrencode-dev): QR codes (ISO/IEC 18004). */
#include <qrencode.h>
#endif
