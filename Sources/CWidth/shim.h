#ifndef CWIDTH_SHIM_H
#define CWIDTH_SHIM_H
/* The C library's column width of one character (POSIX wcwidth, in glibc). Swift's Glibc module
   leaves it out (it is an X/Open extension), so it is declared here as POSIX does; nothing else. */
#include <stddef.h>
extern int wcwidth(wchar_t c);

/* Columns of one Unicode scalar: 0 combining, 1 or 2, -1 not printable in this locale. */
static inline int cw_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }
#endif
