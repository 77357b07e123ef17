import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The terminal modes to put back if a signal ends booktui while echo is off.
/// Written before echo goes off and read only by the signal handler.
nonisolated(unsafe) private var modesBeforePrompt = termios()

/// Reads a password: at a terminal after a `Password:` prompt (on standard error) with echo
/// off, the terminal's modes restored however the read ends (Enter, end of input, Ctrl-C,
/// SIGTERM, SIGHUP); from a pipe or file, one line without a prompt.
enum PasswordPrompt {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func read() -> String? {
        guard isatty(0) == 1, tcgetattr(0, &modesBeforePrompt) == 0 else {
            return readLine(strippingNewline: true)
        }
        var quiet = modesBeforePrompt
        quiet.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK)
        quiet.c_lflag |= tcflag_t(ICANON | ISIG)
        var previous: [Int32: sigaction] = [:]
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                // tcsetattr and raise are async-signal-safe; the default action then ends the
                // process with the signal's status (130 for Ctrl-C).
                _ = tcsetattr(0, TCSANOW, &modesBeforePrompt)
                _ = write(2, "\n", 1)
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(sig, &action, &old)
            previous[sig] = old
        }
        FileHandle.standardError.write(Data("Password: ".utf8))
        _ = tcsetattr(0, TCSAFLUSH, &quiet)
        let line = readLine(strippingNewline: true)
        _ = tcsetattr(0, TCSAFLUSH, &modesBeforePrompt)
        FileHandle.standardError.write(Data("\n".utf8))
        for (sig, old) in previous {
            var old = old
            sigaction(sig, &old, nil)
        }
        return line
    }
}
