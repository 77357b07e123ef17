#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
/* Wide-character curses: these must come before curses.h. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Swift 6 cannot import C globals that are mutable (stdscr, COLS, LINES) nor function-like
   macros (COLOR_PAIR, A_*, getmaxyx, KEY_F), so they are wrapped here. No state lives in this
   header: each Swift file that uses it may get its own copy of these functions. */

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline void cn_getmaxyx(int *y, int *x) { int yy, xx; getmaxyx(stdscr, yy, xx); *y = yy; *x = xx; }

static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }

static inline void cn_attrset(attr_t a) { wattrset(stdscr, (int)a); }
/* Writes UTF-8 text at a position, clipped to n bytes (n < 0: all). */
static inline int cn_put(int y, int x, const char *s, int n) { return mvwaddnstr(stdscr, y, x, s, n); }
/* Writes one cell holding a whole grapheme cluster: its first scalar sets the cell's width as
   curses counts it, the rest (up to CCHARW_MAX in all) are stored with it and sent along, so a
   terminal that joins the cluster (an emoji ZWJ sequence) and curses agree on the columns.
   setcchar itself stops at a second spacing scalar, so the later ones are put in by hand. */
static inline int cn_put_cell(int y, int x, const unsigned int *scalars, int n) {
    cchar_t cc;
    attr_t a = 0;
    short pair = 0;
    wchar_t first[2] = { (wchar_t)scalars[0], 0 };
    wattr_get(stdscr, &a, &pair, NULL);
    if (setcchar(&cc, first, a & ~A_COLOR, pair, NULL) == ERR) return ERR;
    for (int i = 1; i < n && i < CCHARW_MAX; i++) cc.chars[i] = (wchar_t)scalars[i];
    return mvwadd_wch(stdscr, y, x, &cc);
}
static inline int cn_cell_capacity(void) { return CCHARW_MAX; }
/* Gives a key read outside curses back to it, to be read next. */
static inline int cn_unget_wch(unsigned int c) { return unget_wch((wchar_t)c); }
/* After something was written to the terminal behind curses' back: repaint all of it. */
static inline void cn_repaint_all(void) { clearok(curscr, TRUE); }
static inline int cn_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int cn_key_f(int n) { return KEY_F(n); }

/* Reads one key: returns OK (ch is a character), KEY_CODE_YES (ch is a KEY_* code) or ERR. */
static inline int cn_get_wch(unsigned int *ch) {
    wint_t w = 0;
    int r = wget_wch(stdscr, &w);
    *ch = (unsigned int)w;
    return r;
}

/* Fatal and terminating signals put the terminal back before the process goes. endwin() is not
   on the async-signal-safe list, but it only writes to the terminal and calls tcsetattr, and a
   broken terminal is worse; the signal is then raised again with its default action so the exit
   status tells the truth. */
static void cn_restore_and_reraise(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void cn_install_signal_handlers(void) {
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cn_restore_and_reraise;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Whether the terminal that $TERM names can be driven full-screen: terminfo knows it, and it can
   move the cursor and clear the screen (TERM=dumb, or an unknown name, cannot). Reads the terminfo
   entry only; the terminal itself is not touched. setupterm and tigetstr are declared here as
   term.h declares them, so that term.h's many macros stay out of Swift's way. */
extern int setupterm(const char *, int, int *);
extern char *tigetstr(const char *);
static inline int cn_terminal_usable(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != 0) return 0;
    char *cup = tigetstr("cup"), *clear = tigetstr("clear");
    return cup != NULL && cup != (char *)-1 && clear != NULL && clear != (char *)-1;
}

#endif
